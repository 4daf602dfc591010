#pragma once
// A street plan on a rectangular grid of junctions, some of them left out (a lake, a park),
// with a class per street line (arterial or collector), written as a CityFlow roadnet that
// `parktwin run` reads like any other. The construction follows CityFlow's grid generator
// (scenarios/cityflow/grid_generator.h: lanes to the right of the centre line, lane links as
// cubic Hermite curves, phases per axis and turn with clearances), generalised to streets of
// different widths and to junctions with two, three or four legs.
//
// Lanes per direction: an arterial has four (left, straight, straight, right), a collector
// three (left, straight, right). Every lane of a movement feeds every lane of the road beyond,
// as in CityFlow's generator, so a vehicle can take the lane its next turn needs. Gates: a virtual
// node beyond each end of an arterial, where traffic enters and leaves the district.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/json_file.h"

namespace parktwin::scenarios::district {

enum class StreetClass : std::uint8_t { arterial, collector };

struct StreetGrid {
  std::vector<double> column_x_m;  // x of each column of junctions, increasing (west to east)
  std::vector<double> row_y_m;     // y of each row of junctions, increasing (south to north)
  std::vector<StreetClass> column_class, row_class;  // the street along each column / row
  // present[row * columns + column]: 1 where a junction (and its streets) exists.
  std::vector<std::uint8_t> present;
  double lane_width_m = 3.5;
  double arterial_speed_mps = 16.67;   // 60 km/h
  double collector_speed_mps = 13.89;  // 50 km/h
  double gate_length_m = 300.0;        // from an arterial's last junction to its gate
  // An arterial crosses a gap of left-out junctions (a lake) in one road: a bridge or tunnel.
  bool bridge_gaps = true;
  double green_s = 30.0, clearance_s = 5.0;

  std::size_t columns() const { return column_x_m.size(); }
  std::size_t rows() const { return row_y_m.size(); }
  bool has(std::size_t column, std::size_t row) const {
    return present[row * columns() + column] != 0;
  }
};

// Ids: junction "j_C_R", gate "gate_C_R" (C, R may be -1 or the count: one beyond the grid),
// road "r_C_R_D" from junction or gate (C, R) in direction D (0 east, 1 north, 2 west,
// 3 south) to the next node that way.
std::string junction_id(int column, int row);
std::string road_id(int column, int row, int direction);

// The roads of the plan, each once: start node (C, R), direction, lanes.
struct StreetRoad {
  int column = 0, row = 0, direction = 0;
  int end_column = 0, end_row = 0;  // the node it leads to
  int lanes = 0;
  bool from_gate = false, to_gate = false;
};
std::vector<StreetRoad> street_roads(const StreetGrid& grid);

// Where node (C, R) lies (m); a gate lies gate_length_m beyond the grid's edge.
std::pair<double, double> node_position(const StreetGrid& grid, int column, int row);

// Green times (s) of a junction's four greens in plan order: east-west straight, east-west
// left, north-south straight, north-south left; by junction id. A junction not in the map
// gets StreetGrid::green_s for each.
using SignalGreens = std::map<std::string, std::array<double, 4>>;

// The CityFlow roadnet JSON. Throws parktwin::Error when the grid's vectors disagree in size,
// coordinates are not increasing, or a junction is left with fewer than two streets.
Json street_grid_roadnet(const StreetGrid& grid, const SignalGreens& greens = {});

}  // namespace parktwin::scenarios::district

#pragma once
// Synthetic signalised grid scenarios in CityFlow's formats (`parktwin generate grid`).
//
// The road network is built as CityFlow's own generator builds it
// (cityflow-project/CityFlow, tools/generator/generate_grid_scenario.py with --tlPlan, which
// calls generate_json_from_grid.py's gridToRoadnet; commit 81ee0f4, Apache-2.0), so that the
// 4x4 grid equals the team's shared benchmark file up to float rounding
// (shared/data/cityflow/grid_4x4/SOURCE.md, checked in tests/scenarios/test_grid_generator.cpp).
// The demand follows the rules of the shared flow files (SOURCE.md) with parktwin's
// counter-based random numbers, so it has the same statistics but not the same vehicles.

#include <cstdint>

#include "scenarios/json_file.h"

namespace parktwin::scenarios {

// Parameters of every generated vehicle; CityFlow's flow-file key in the comment. Defaults:
// SOURCE.md (the same as the Hangzhou file).
struct GridVehicle {
  double length_m = 5.0;          // length
  double width_m = 2.0;           // width
  double max_accel_mps2 = 2.0;    // maxPosAcc
  double max_decel_mps2 = 4.5;    // maxNegAcc
  double usual_accel_mps2 = 2.0;  // usualPosAcc
  double usual_decel_mps2 = 4.5;  // usualNegAcc
  double min_gap_m = 2.5;         // minGap
  double max_speed_mps = 11.111;  // maxSpeed
  double headway_s = 2.0;         // headwayTime
};

struct GridSpec {
  int rows = 0;  // signalised intersections from south to north (y), >= 1
  int cols = 0;  // signalised intersections from west to east (x), >= 1
  // Distance between neighbouring nodes, also from the outer intersections to the virtual
  // boundary nodes; must exceed twice the intersection width so that every lane is longer
  // than zero.
  double link_m = 300.0;
  double intersection_width_m = 30.0;  // lanes stop this far from a signalised node
  double lane_width_m = 4.0;
  double lane_speed_mps = 16.67;
  // Fixed-time plan of every signalised intersection (CityFlow's --tlPlan): four green
  // phases (east-west straight, east-west left, north-south straight, north-south left), each
  // followed by a clearance phase in which only right turns go; right turns go in all eight.
  double green_s = 30.0;
  double clearance_s = 5.0;
  double rate_veh_per_h = 200.0;  // per boundary entry road, >= 0
  double horizon_s = 3600.0;      // departures at whole seconds in (0, horizon_s), > 1
  double turn_probability = 0.2;  // of a left turn and of a right turn each, in [0, 0.5]
  std::uint64_t seed = 42;        // of the demand only
  GridVehicle vehicle;
};

// What a spec produces; computed without building the JSON.
struct GridCounts {
  long long intersections = 0;          // signalised (rows x cols)
  long long virtual_intersections = 0;  // boundary nodes, 2 (rows + cols)
  long long roads = 0;                  // one per direction of every link: 4 rc + 2 (r + c)
  long long lanes = 0;                  // 3 per road (left, straight, right)
  long long entry_roads = 0;            // roads from a boundary node inwards, 2 (rows + cols)
  long long vehicles = 0;               // round(entry_roads x rate_veh_per_h x horizon_s / 3600)
};

// Throws parktwin::Error naming the first bad field ("rows", "link_m", ...) and what was
// expected.
void validate_grid_spec(const GridSpec& spec);

// The counts of a valid spec (validates it first).
GridCounts grid_counts(const GridSpec& spec);

// The CityFlow roadnet JSON ("intersections", "roads") of a valid spec (validates it first).
Json grid_roadnet(const GridSpec& spec);

// The CityFlow flow JSON: one entry per vehicle, ordered by departure (validates the spec
// first). A pure function of the spec: the same spec gives the same flow on every machine.
Json grid_flow(const GridSpec& spec);

}  // namespace parktwin::scenarios

#pragma once
// Pieces of CityFlow's grid generator (cityflow-project/CityFlow, tools/generator/
// generate_json_from_grid.py, commit 81ee0f4, Apache-2.0) shared by the generators that build
// roadnets on a grid of compass directions (scenarios/cityflow/grid_generator.h,
// scenarios/district/street_grid.h): which turn a movement is, and the centre line of a lane
// link through a junction (findPath).

#include <array>

#include "scenarios/json_file.h"

namespace parktwin::scenarios::grid_geometry {

// Directions: 0 east, 1 north, 2 west, 3 south.
inline constexpr std::array<int, 4> kDx{1, 0, -1, 0};
inline constexpr std::array<int, 4> kDy{0, 1, 0, -1};

enum class Turn { left, straight, right };

// The turn from heading `from_dir` to heading `to_dir`; the caller rules out U-turns.
inline Turn turn_of(int from_dir, int to_dir) {
  if ((from_dir + 1) % 4 == to_dir) return Turn::left;
  if ((to_dir + 1) % 4 == from_dir) return Turn::right;
  return Turn::straight;
}

// CityFlow's roadLink "type".
inline const char* type_name(Turn t) {
  return t == Turn::left ? "turn_left" : t == Turn::right ? "turn_right" : "go_straight";
}

// The lane link's centre line through the junction at (node_x, node_y): from the stop line
// `width_m` before the node on the incoming road (heading from_dir, the lane's centre
// `from_shift_m` right of the road's centre line) to `width_m` after it on the outgoing road,
// a cubic Hermite curve through segments + 1 points whose tangents are the roads' unit vectors
// times the width.
inline Json lane_link_points(double node_x, double node_y, double width_m, int from_dir,
                             double from_shift_m, int to_dir, double to_shift_m, int segments) {
  const double ax = kDx[static_cast<std::size_t>(from_dir)];
  const double ay = kDy[static_cast<std::size_t>(from_dir)];
  const double bx = kDx[static_cast<std::size_t>(to_dir)];
  const double by = kDy[static_cast<std::size_t>(to_dir)];
  const double w = width_m;
  const double pax = node_x - ax * w + ay * from_shift_m, pay = node_y - ay * w - ax * from_shift_m;
  const double pbx = node_x + bx * w + by * to_shift_m, pby = node_y + by * w - bx * to_shift_m;
  Json pts = Json::array();
  for (int i = 0; i <= segments; ++i) {
    const double t = static_cast<double>(i) / segments, t2 = t * t, t3 = t2 * t;
    const double h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t;
    const double h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
    pts.push_back(Json{{"x", h00 * pax + h10 * ax * w + h01 * pbx + h11 * bx * w},
                       {"y", h00 * pay + h10 * ay * w + h01 * pby + h11 * by * w}});
  }
  return pts;
}

}  // namespace parktwin::scenarios::grid_geometry

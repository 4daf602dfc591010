#include "scenarios/district/street_grid.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "engine/error.h"
#include "scenarios/cityflow/grid_geometry.h"

namespace parktwin::scenarios::district {

namespace {

using grid_geometry::kDx;
using grid_geometry::kDy;
using grid_geometry::Turn;
using grid_geometry::turn_of;
using grid_geometry::type_name;
constexpr int kLaneLinkSegments = 10;
// Beyond the lanes of the wider street: kerb, a cycle track and the stop line's set-back (m).
constexpr double kJunctionMargin_m = 3.0;

std::size_t dir_index(int d) { return static_cast<std::size_t>(d); }

// The plan with its gates: node (c, r) for c in -1 .. C, r in -1 .. R.
struct Plan {
  const StreetGrid& g;
  int C, R;

  bool junction(int c, int r) const {
    return c >= 0 && r >= 0 && c < C && r < R &&
           g.has(static_cast<std::size_t>(c), static_cast<std::size_t>(r));
  }
  // A gate beyond the end of an arterial whose end junction exists.
  bool gate(int c, int r) const {
    const bool west = c == -1 && r >= 0 && r < R, east = c == C && r >= 0 && r < R;
    const bool south = r == -1 && c >= 0 && c < C, north = r == R && c >= 0 && c < C;
    if (west || east) {
      return g.row_class[static_cast<std::size_t>(r)] == StreetClass::arterial &&
             junction(west ? 0 : C - 1, r);
    }
    if (south || north) {
      return g.column_class[static_cast<std::size_t>(c)] == StreetClass::arterial &&
             junction(c, south ? 0 : R - 1);
    }
    return false;
  }
  bool node(int c, int r) const { return junction(c, r) || gate(c, r); }
  bool on_arterial(int c, int r, int d) const {
    return d % 2 == 0 ? r >= 0 && r < R &&
                            g.row_class[static_cast<std::size_t>(r)] == StreetClass::arterial
                      : c >= 0 && c < C &&
                            g.column_class[static_cast<std::size_t>(c)] == StreetClass::arterial;
  }
  // The node a road from (c, r) in direction d reaches: the neighbour, or along an arterial
  // with bridge_gaps the next junction beyond a gap (a bridge or tunnel); none otherwise.
  std::optional<std::pair<int, int>> next(int c, int r, int d) const {
    if (!node(c, r)) return std::nullopt;
    int nc = c + kDx[dir_index(d)], nr = r + kDy[dir_index(d)];
    if (g.bridge_gaps && junction(c, r) && on_arterial(c, r, d)) {
      while (!node(nc, nr) && nc >= 0 && nr >= 0 && nc < C && nr < R) {
        nc += kDx[dir_index(d)];
        nr += kDy[dir_index(d)];
      }
    }
    if (!node(nc, nr) || !(junction(c, r) || junction(nc, nr))) return std::nullopt;
    return std::pair{nc, nr};
  }
  bool road(int c, int r, int d) const { return next(c, r, d).has_value(); }
  double x(int c) const {
    if (c < 0) return g.column_x_m.front() - g.gate_length_m;
    if (c >= C) return g.column_x_m.back() + g.gate_length_m;
    return g.column_x_m[static_cast<std::size_t>(c)];
  }
  double y(int r) const {
    if (r < 0) return g.row_y_m.front() - g.gate_length_m;
    if (r >= R) return g.row_y_m.back() + g.gate_length_m;
    return g.row_y_m[static_cast<std::size_t>(r)];
  }
  // Lanes per direction of the street a road in direction d from (c, r) lies on.
  int lanes(int c, int r, int d) const {
    const StreetClass k = d % 2 == 0
                              ? g.row_class[static_cast<std::size_t>(std::clamp(r, 0, R - 1))]
                              : g.column_class[static_cast<std::size_t>(std::clamp(c, 0, C - 1))];
    return k == StreetClass::arterial ? 4 : 3;
  }
  double speed(int c, int r, int d) const {
    return lanes(c, r, d) == 4 ? g.arterial_speed_mps : g.collector_speed_mps;
  }
  // How far before the junction's centre its stop lines lie (CityFlow's intersection width).
  double width(int c, int r) const {
    if (!junction(c, r)) return 0.0;
    const int widest = std::max(lanes(c, r, 0), lanes(c, r, 1));
    return widest * g.lane_width_m + kJunctionMargin_m;
  }
  std::string id(int c, int r) const {
    return junction(c, r) ? junction_id(c, r) : fmt::format("gate_{}_{}", c, r);
  }
};

// Centimetres are enough for a lane's centre line and keep the file small.
double cm(double v) { return std::round(v * 100.0) / 100.0; }
Json point(double x, double y) { return Json{{"x", cm(x)}, {"y", cm(y)}}; }

struct RoadRef {
  int c, r, d;  // start node and direction
};

// Centre line of the lane link from lane `la` of road `a` to lane `lb` of road `b` through the
// junction both meet at, to the centimetre.
Json lane_link_points(const Plan& p, RoadRef a, int la, RoadRef b, int lb) {
  Json pts = grid_geometry::lane_link_points(p.x(b.c), p.y(b.r), p.width(b.c, b.r), a.d,
                                             (la + 0.5) * p.g.lane_width_m, b.d,
                                             (lb + 0.5) * p.g.lane_width_m, kLaneLinkSegments);
  for (Json& pt : pts) pt = point(pt["x"].get<double>(), pt["y"].get<double>());
  return pts;
}

// (start lane, end lane) pairs of a movement: a left turn from the leftmost lane, a right
// turn from the rightmost, straight on from the lanes between; each to every lane beyond, as
// in CityFlow's generator, so that a vehicle can take any lane it needs for its next turn.
std::vector<std::pair<int, int>> lane_pairs(Turn turn, int lanes_in, int lanes_out) {
  const int first = turn == Turn::right ? lanes_in - 1 : turn == Turn::left ? 0 : 1;
  const int last = turn == Turn::left ? 0 : turn == Turn::right ? lanes_in - 1 : lanes_in - 2;
  std::vector<std::pair<int, int>> pairs;
  for (int from = first; from <= last; ++from) {
    for (int e = 0; e < lanes_out; ++e) pairs.emplace_back(from, e);
  }
  return pairs;
}

Json intersection(const Plan& p, int c, int r, const SignalGreens& greens) {
  const bool real = p.junction(c, r);
  std::vector<RoadRef> in, out;
  for (int d = 0; d < 4; ++d) {
    // The road arriving heading d starts at the node reached going the other way.
    if (const auto from = p.next(c, r, (d + 2) % 4)) in.push_back({from->first, from->second, d});
  }
  for (int d = 0; d < 4; ++d) {
    if (p.road(c, r, d)) out.push_back({c, r, d});
  }
  if (real && in.size() < 2) {
    throw Error("junction with fewer than two streets")
        .field(junction_id(c, r))
        .expected("a street plan whose every junction joins at least two streets");
  }
  Json roads = Json::array();
  for (const RoadRef& a : in) roads.push_back(road_id(a.c, a.r, a.d));
  for (const RoadRef& b : out) roads.push_back(road_id(b.c, b.r, b.d));

  Json links = Json::array();
  std::vector<Turn> link_turn;
  std::vector<int> link_dir;
  if (real) {
    for (const RoadRef& a : in) {
      for (const RoadRef& b : out) {
        if ((a.d + 2) % 4 == b.d) continue;  // no U-turns
        const Turn turn = turn_of(a.d, b.d);
        Json lane_links = Json::array();
        for (const auto& [la, lb] :
             lane_pairs(turn, p.lanes(a.c, a.r, a.d), p.lanes(b.c, b.r, b.d))) {
          lane_links.push_back({{"startLaneIndex", la},
                                {"endLaneIndex", lb},
                                {"points", lane_link_points(p, a, la, b, lb)}});
        }
        links.push_back({{"type", type_name(turn)},
                         {"startRoad", road_id(a.c, a.r, a.d)},
                         {"endRoad", road_id(b.c, b.r, b.d)},
                         {"direction", a.d},
                         {"laneLinks", std::move(lane_links)}});
        link_turn.push_back(turn);
        link_dir.push_back(a.d);
      }
    }
  }

  // Phases as CityFlow's --tlPlan (each green followed by a clearance in which only right
  // turns go), leaving out the greens a junction with fewer legs has no movement for. A
  // junction with one green left keeps it for good.
  const auto available = [&](Turn kind, bool east_west, bool green) {
    Json ids = Json::array();
    bool any_green = false;
    for (std::size_t i = 0; i < link_turn.size(); ++i) {
      const bool axis = (link_dir[i] % 2 == 0) == east_west;
      const bool goes = green && link_turn[i] == kind && axis;
      any_green = any_green || goes;
      if (link_turn[i] == Turn::right || goes) ids.push_back(i);
    }
    return std::pair{std::move(ids), any_green};
  };
  const auto timed = greens.find(p.id(c, r));
  Json phases = Json::array();
  std::size_t plan_index = 0;
  for (const bool east_west : {true, false}) {
    for (const Turn kind : {Turn::straight, Turn::left}) {
      const double green_s = timed == greens.end() ? p.g.green_s : timed->second[plan_index];
      ++plan_index;
      auto [green, any] = available(kind, east_west, true);
      if (!any) continue;
      phases.push_back({{"time", green_s}, {"availableRoadLinks", std::move(green)}});
      phases.push_back({{"time", p.g.clearance_s},
                        {"availableRoadLinks", available(kind, east_west, false).first}});
    }
  }
  if (phases.size() <= 2) {  // one green (or none: right turns only): every link, always
    Json all = Json::array();
    for (std::size_t i = 0; i < links.size(); ++i) all.push_back(i);
    phases = Json::array({Json{{"time", p.g.green_s}, {"availableRoadLinks", std::move(all)}}});
  }
  Json indices = Json::array();
  for (std::size_t i = 0; i < links.size(); ++i) indices.push_back(i);
  return Json{{"id", p.id(c, r)},
              {"point", point(p.x(c), p.y(r))},
              {"width", p.width(c, r)},
              {"roads", std::move(roads)},
              {"roadLinks", std::move(links)},
              {"trafficLight", {{"roadLinkIndices", std::move(indices)}, {"lightphases", phases}}},
              {"virtual", !real}};
}

void check(const StreetGrid& g) {
  const auto bad = [](const char* field, const std::string& expected) {
    throw Error("invalid street plan").field(field).expected(expected);
  };
  if (g.columns() < 2 || g.rows() < 2) bad("column_x_m", "at least 2 columns and 2 rows");
  if (g.column_class.size() != g.columns() || g.row_class.size() != g.rows()) {
    bad("column_class", "one class per column and per row");
  }
  if (g.present.size() != g.columns() * g.rows()) bad("present", "one flag per junction");
  if (!std::is_sorted(g.column_x_m.begin(), g.column_x_m.end(), std::less_equal<>{}) ||
      !std::is_sorted(g.row_y_m.begin(), g.row_y_m.end(), std::less_equal<>{})) {
    bad("column_x_m", "strictly increasing coordinates");
  }
}

}  // namespace

std::string junction_id(int column, int row) { return fmt::format("j_{}_{}", column, row); }

std::string road_id(int column, int row, int direction) {
  return fmt::format("r_{}_{}_{}", column, row, direction);
}

std::pair<double, double> node_position(const StreetGrid& grid, int column, int row) {
  const Plan p{grid, static_cast<int>(grid.columns()), static_cast<int>(grid.rows())};
  return {p.x(column), p.y(row)};
}

std::vector<StreetRoad> street_roads(const StreetGrid& grid) {
  check(grid);
  const Plan p{grid, static_cast<int>(grid.columns()), static_cast<int>(grid.rows())};
  std::vector<StreetRoad> roads;
  for (int r = -1; r <= p.R; ++r) {
    for (int c = -1; c <= p.C; ++c) {
      for (int d = 0; d < 4; ++d) {
        const auto to = p.next(c, r, d);
        if (!to) continue;
        const auto [nc, nr] = *to;
        roads.push_back({c, r, d, nc, nr, p.lanes(c, r, d), p.gate(c, r), p.gate(nc, nr)});
      }
    }
  }
  return roads;
}

Json street_grid_roadnet(const StreetGrid& grid, const SignalGreens& greens) {
  check(grid);
  const Plan p{grid, static_cast<int>(grid.columns()), static_cast<int>(grid.rows())};
  Json intersections = Json::array();
  for (int r = -1; r <= p.R; ++r) {
    for (int c = -1; c <= p.C; ++c) {
      if (p.node(c, r)) intersections.push_back(intersection(p, c, r, greens));
    }
  }
  Json roads = Json::array();
  for (const StreetRoad& s : street_roads(grid)) {
    const int nc = s.end_column, nr = s.end_row;
    Json lanes = Json::array();
    const Json lane = {{"width", grid.lane_width_m},
                       {"maxSpeed", p.speed(s.column, s.row, s.direction)}};
    for (int i = 0; i < s.lanes; ++i) lanes.push_back(lane);
    roads.push_back(
        {{"id", road_id(s.column, s.row, s.direction)},
         {"points", Json::array({point(p.x(s.column), p.y(s.row)), point(p.x(nc), p.y(nr))})},
         {"lanes", std::move(lanes)},
         {"startIntersection", p.id(s.column, s.row)},
         {"endIntersection", p.id(nc, nr)}});
  }
  return Json{{"intersections", std::move(intersections)}, {"roads", std::move(roads)}};
}

}  // namespace parktwin::scenarios::district

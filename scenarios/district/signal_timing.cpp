#include "scenarios/district/signal_timing.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>
#include <unordered_map>
#include <utility>

#include "engine/error.h"

namespace parktwin::scenarios::district {

namespace {

constexpr double kSaturationVehPerHLane = 1800.0;
constexpr double kMaxFlowRatio = 0.85;
constexpr double kMinCycle_s = 40.0, kMaxCycle_s = 150.0, kMinGreen_s = 10.0;

bool u_turn(int in_dir, int out_dir) { return (in_dir + 2) % 4 == out_dir; }
bool left_turn(int in_dir, int out_dir) { return (in_dir + 1) % 4 == out_dir; }
bool right_turn(int in_dir, int out_dir) { return (out_dir + 1) % 4 == in_dir; }

}  // namespace

SignalGreens webster_greens(const StreetGrid& grid, const std::vector<DesignTrip>& trips,
                            TimingSummary* summary) {
  const std::vector<StreetRoad> roads = street_roads(grid);
  const int C = static_cast<int>(grid.columns()), R = static_cast<int>(grid.rows());
  // Nodes (c, r) with c in -1 .. C and r in -1 .. R, flattened.
  const auto node = [&](int c, int r) {
    return static_cast<std::size_t>((r + 1) * (C + 2) + (c + 1));
  };
  std::unordered_map<std::string, std::size_t> index;
  std::vector<std::vector<std::size_t>> leaving(static_cast<std::size_t>((C + 2) * (R + 2)));
  std::vector<double> cost(roads.size());
  for (std::size_t i = 0; i < roads.size(); ++i) {
    const StreetRoad& s = roads[i];
    index.emplace(road_id(s.column, s.row, s.direction), i);
    leaving[node(s.column, s.row)].push_back(i);
    const auto [x0, y0] = node_position(grid, s.column, s.row);
    const auto [x1, y1] = node_position(grid, s.end_column, s.end_row);
    const double speed = s.lanes == 4 ? grid.arterial_speed_mps : grid.collector_speed_mps;
    cost[i] = std::hypot(x1 - x0, y1 - y0) / speed;
  }
  const auto road_of = [&](const std::string& id) {
    const auto it = index.find(id);
    if (it == index.end()) throw Error("design trip on an unknown road").field(id);
    return it->second;
  };

  // Movement flows, veh/h, by (junction node, in direction, out direction).
  std::vector<double> flow(leaving.size() * 16, 0.0);
  std::unordered_map<std::size_t, std::vector<const DesignTrip*>> by_origin;
  for (const DesignTrip& t : trips) by_origin[road_of(t.from_road)].push_back(&t);
  TimingSummary sum;
  std::vector<double> best(roads.size());
  std::vector<std::size_t> previous(roads.size());
  constexpr auto kNone = std::numeric_limits<std::size_t>::max();
  for (const auto& [origin, group] : by_origin) {
    // Dijkstra over roads (a road's cost is paid on entering it).
    std::fill(best.begin(), best.end(), std::numeric_limits<double>::infinity());
    std::fill(previous.begin(), previous.end(), kNone);
    using Item = std::pair<double, std::size_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> open;
    best[origin] = 0.0;
    open.push({0.0, origin});
    while (!open.empty()) {
      const auto [d, i] = open.top();
      open.pop();
      if (d > best[i]) continue;
      const StreetRoad& a = roads[i];
      if (a.to_gate) continue;  // the way out of the district
      for (const std::size_t j : leaving[node(a.end_column, a.end_row)]) {
        if (u_turn(a.direction, roads[j].direction)) continue;
        const double nd = d + cost[j];
        if (nd < best[j]) {
          best[j] = nd;
          previous[j] = i;
          open.push({nd, j});
        }
      }
    }
    for (const DesignTrip* t : group) {
      std::size_t j = road_of(t->to_road);
      if (j != origin && previous[j] == kNone) {
        ++sum.unroutable;
        continue;
      }
      for (; j != origin; j = previous[j]) {
        const StreetRoad& a = roads[previous[j]];
        flow[node(a.end_column, a.end_row) * 16 +
             static_cast<std::size_t>(a.direction * 4 + roads[j].direction)] += t->vehicles_per_h;
      }
    }
  }

  SignalGreens greens;
  for (int r = 0; r < R; ++r) {
    for (int c = 0; c < C; ++c) {
      if (!grid.has(static_cast<std::size_t>(c), static_cast<std::size_t>(r))) continue;
      std::array<double, 4> y{};
      std::array<bool, 4> exists{};
      for (std::size_t i = 0; i < roads.size(); ++i) {  // roads into this junction
        const StreetRoad& a = roads[i];
        if (a.end_column != c || a.end_row != r) continue;
        for (const std::size_t j : leaving[node(c, r)]) {
          const int in = a.direction, out = roads[j].direction;
          if (u_turn(in, out) || right_turn(in, out)) continue;
          const bool left = left_turn(in, out);
          const std::size_t green = (in % 2 == 0 ? 0 : 2) + (left ? 1 : 0);
          const double lanes = left ? 1.0 : a.lanes - 2.0;
          exists[green] = true;
          y[green] =
              std::max(y[green], flow[node(c, r) * 16 + static_cast<std::size_t>(in * 4 + out)] /
                                     (kSaturationVehPerHLane * lanes));
        }
      }
      const auto n = static_cast<double>(std::count(exists.begin(), exists.end(), true));
      if (n <= 1) continue;  // one green kept for good (street_grid.h)
      double total_y = 0.0;
      for (std::size_t g = 0; g < 4; ++g) total_y += exists[g] ? y[g] : 0.0;
      const double lost_s = n * grid.clearance_s;
      const double capped_y = std::min(total_y, kMaxFlowRatio);
      sum.saturated += total_y >= kMaxFlowRatio ? 1 : 0;
      const double cycle_s =
          std::clamp((1.5 * lost_s + 5.0) / (1.0 - capped_y), kMinCycle_s, kMaxCycle_s);
      const double effective_s = cycle_s - lost_s;
      // The effective green in proportion to y; a green below the minimum gets the minimum
      // and lengthens the cycle by the difference (the movements with flow keep their share).
      std::array<double, 4> green{};
      double actual_cycle_s = lost_s;
      for (std::size_t g = 0; g < 4; ++g) {
        const double share = total_y > 0.0 ? effective_s * y[g] / total_y : effective_s / n;
        green[g] = !exists[g] ? grid.green_s : std::max(kMinGreen_s, std::round(share));
        if (exists[g]) actual_cycle_s += green[g];
      }
      greens.emplace(junction_id(c, r), green);
      ++sum.junctions;
      sum.mean_cycle_s += actual_cycle_s;
      sum.max_cycle_s = std::max(sum.max_cycle_s, actual_cycle_s);
    }
  }
  if (sum.junctions > 0) sum.mean_cycle_s /= static_cast<double>(sum.junctions);
  if (summary != nullptr) *summary = sum;
  return greens;
}

}  // namespace parktwin::scenarios::district

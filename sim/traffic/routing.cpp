#include "sim/traffic/routing.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <queue>
#include <utility>

namespace parktwin::traffic {

Router::Router(const Network& net) {
  const std::size_t R = net.road_count();
  cost_s_.assign(R, std::numeric_limits<double>::infinity());
  for (std::size_t r = 0; r < R; ++r) {
    for (Index l = net.road_first_lane[r]; l < net.road_first_lane[r] + net.road_lane_count[r];
         ++l) {
      cost_s_[r] = std::min(cost_s_[r], net.seg_length_m[l] / net.seg_speed_limit_mps[l]);
    }
  }
  std::vector<std::pair<Index, Index>> arcs;
  arcs.reserve(net.movement_count());
  for (std::size_t m = 0; m < net.movement_count(); ++m) {
    arcs.emplace_back(net.movement_from_road[m], net.movement_to_road[m]);
  }
  std::sort(arcs.begin(), arcs.end());
  arcs.erase(std::unique(arcs.begin(), arcs.end()), arcs.end());
  next_begin_.assign(R + 1, 0);
  for (const auto& [a, b] : arcs) ++next_begin_[a + 1];
  for (std::size_t r = 0; r < R; ++r) next_begin_[r + 1] += next_begin_[r];
  next_.reserve(arcs.size());
  for (const auto& arc : arcs) next_.push_back(arc.second);
}

std::vector<Index> Router::route(Index from_road, Index to_road) const {
  return route(from_road, to_road, cost_s_);
}

Index Router::arc(Index from_road, Index to_road) const {
  for (Index k = next_begin_[from_road]; k < next_begin_[from_road + 1]; ++k) {
    if (next_[k] == to_road) return k;
  }
  return kNone;
}

void Router::blocked_arcs(const Network& net, std::span<const std::uint8_t> closed,
                          std::vector<std::uint8_t>& out) const {
  out.assign(next_.size(), 0);
  for (Index a = 0; a + 1 < next_begin_.size(); ++a) {
    const Index first = net.road_first_lane[a];
    const Index end = first + net.road_lane_count[a];
    bool any_open = false;
    for (Index l = first; l < end; ++l) any_open = any_open || closed[l] == 0;
    if (!any_open) continue;
    for (Index k = next_begin_[a]; k < next_begin_[a + 1]; ++k) {
      bool reachable = false;
      for (Index l = first; l < end && !reachable; ++l) {
        reachable = closed[l] == 0 && net.lane_reaches_road(l, next_[k]);
      }
      out[k] = reachable ? 0 : 1;
    }
  }
}

std::vector<Index> Router::route(Index from_road, Index to_road,
                                 std::span<const double> road_cost_s,
                                 std::span<const std::uint8_t> arc_blocked) const {
  const std::size_t R = cost_s_.size();
  if (road_cost_s.size() != R) return {};
  if (from_road >= R || to_road >= R) return {};
  if (from_road == to_road) return {from_road};
  std::vector<double> dist(R, std::numeric_limits<double>::infinity());
  std::vector<Index> prev(R, kNone);
  using Item = std::pair<double, Index>;  // (time, road): ties pop the lower road first
  std::priority_queue<Item, std::vector<Item>, std::greater<>> open;
  dist[from_road] = 0.0;
  open.emplace(0.0, from_road);
  while (!open.empty()) {
    const auto [d, r] = open.top();
    open.pop();
    if (d > dist[r]) continue;
    if (r == to_road) break;
    for (Index k = next_begin_[r]; k < next_begin_[r + 1]; ++k) {
      if (!arc_blocked.empty() && arc_blocked[k] != 0) continue;
      const Index n = next_[k];
      const double nd = d + road_cost_s[n];
      if (nd < dist[n]) {
        dist[n] = nd;
        prev[n] = r;
        open.emplace(nd, n);
      }
    }
  }
  if (prev[to_road] == kNone) return {};
  std::vector<Index> out;
  for (Index r = to_road; r != kNone; r = prev[r]) out.push_back(r);
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<Index> shortest_route(const Network& net, Index from_road, Index to_road) {
  return Router(net).route(from_road, to_road);
}

}  // namespace parktwin::traffic

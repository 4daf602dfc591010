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
  arc_cost_s_.assign(next_.size(), 0.0);
  if (!net.movement_route_cost_s.empty()) {
    std::vector<double> best(next_.size(), std::numeric_limits<double>::infinity());
    for (std::size_t m = 0; m < net.movement_count(); ++m) {
      const Index k = arc(net.movement_from_road[m], net.movement_to_road[m]);
      best[k] = std::min(best[k], net.movement_route_cost_s[m]);
    }
    for (std::size_t k = 0; k < best.size(); ++k) arc_cost_s_[k] = best[k];
  }
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
  Scratch scratch;
  return route(from_road, to_road, road_cost_s, arc_blocked, scratch);
}

std::vector<Index> Router::route(Index from_road, Index to_road,
                                 std::span<const double> road_cost_s,
                                 std::span<const std::uint8_t> arc_blocked,
                                 Scratch& scratch) const {
  const std::size_t R = cost_s_.size();
  if (road_cost_s.size() != R) return {};
  if (from_road >= R || to_road >= R) return {};
  if (from_road == to_road) return {from_road};
  // Scratch kept between queries: only the entries this one touched are reset after it.
  std::vector<double>& dist = scratch.dist;
  std::vector<Index>& prev = scratch.prev;
  if (dist.size() != R) {
    dist.assign(R, std::numeric_limits<double>::infinity());
    prev.assign(R, kNone);
  }
  std::vector<Index>& touched = scratch.touched;
  using Item = std::pair<double, Index>;  // (time, road): ties pop the lower road first
  std::vector<Item>& heap = scratch.heap;
  heap.clear();
  const auto push = [&](double d, Index r) {
    heap.emplace_back(d, r);
    std::push_heap(heap.begin(), heap.end(), std::greater<>{});
  };
  dist[from_road] = 0.0;
  touched.push_back(from_road);
  push(0.0, from_road);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
    const auto [d, r] = heap.back();
    heap.pop_back();
    if (d > dist[r]) continue;
    if (r == to_road) break;
    for (Index k = next_begin_[r]; k < next_begin_[r + 1]; ++k) {
      if (!arc_blocked.empty() && arc_blocked[k] != 0) continue;
      const Index n = next_[k];
      const double nd = d + arc_cost_s_[k] + road_cost_s[n];
      if (nd < dist[n]) {
        if (dist[n] == std::numeric_limits<double>::infinity()) touched.push_back(n);
        dist[n] = nd;
        prev[n] = r;
        push(nd, n);
      }
    }
  }
  std::vector<Index> out;
  if (prev[to_road] != kNone) {
    for (Index r = to_road; r != kNone; r = prev[r]) out.push_back(r);
    std::reverse(out.begin(), out.end());
  }
  for (const Index r : touched) {
    dist[r] = std::numeric_limits<double>::infinity();
    prev[r] = kNone;
  }
  touched.clear();
  return out;
}

std::vector<Index> shortest_route(const Network& net, Index from_road, Index to_road) {
  return Router(net).route(from_road, to_road);
}

}  // namespace parktwin::traffic

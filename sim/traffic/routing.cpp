#include "sim/traffic/routing.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <queue>
#include <utility>

namespace parktwin::traffic {

namespace {
constexpr std::size_t kActiveLandmarks = 4;  // bound terms per query
}  // namespace

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
  place_landmarks(net);
}

// Landmarks on the network's edge, where the bounds are tightest: around the centre of the
// road ends, in each of kLandmarks sectors, the road end furthest out. Costs from each one
// over the roads (Dijkstra) and to it (Dijkstra over the reversed arcs).
void Router::place_landmarks(const Network& net) {
  constexpr std::size_t kLandmarks = 8;
  const std::size_t R = cost_s_.size();
  if (R == 0) return;
  geo::Vec2 centre{0.0, 0.0};
  for (std::size_t r = 0; r < R; ++r) centre = centre + net.junction_pos[net.road_to[r]];
  centre = centre * (1.0 / static_cast<double>(R));
  std::vector<Index> far(kLandmarks, kNone);
  std::vector<double> far_m(kLandmarks, -1.0);
  for (Index r = 0; r < R; ++r) {
    const geo::Vec2 d = net.junction_pos[net.road_to[r]] - centre;
    const double angle = std::atan2(d.y, d.x) + std::numbers::pi;  // [0, 2 pi]
    const auto sector = std::min(
        kLandmarks - 1, static_cast<std::size_t>(angle / (2.0 * std::numbers::pi) * kLandmarks));
    if (geo::length(d) > far_m[sector]) far_m[sector] = geo::length(d), far[sector] = r;
  }
  std::vector<Index> landmarks;
  for (const Index r : far) {
    if (r != kNone) landmarks.push_back(r);
  }
  // Reversed arcs for the costs to a landmark.
  std::vector<Index> prev_begin(R + 1, 0), prev_arc(next_.size());
  for (Index a = 0; a < R; ++a) {
    for (Index k = next_begin_[a]; k < next_begin_[a + 1]; ++k) ++prev_begin[next_[k] + 1];
  }
  for (std::size_t r = 0; r < R; ++r) prev_begin[r + 1] += prev_begin[r];
  std::vector<Index> from_of_arc(next_.size());
  {
    std::vector<Index> fill(prev_begin.begin(), prev_begin.end() - 1);
    for (Index a = 0; a < R; ++a) {
      for (Index k = next_begin_[a]; k < next_begin_[a + 1]; ++k) {
        prev_arc[fill[next_[k]]++] = k;
        from_of_arc[k] = a;
      }
    }
  }
  landmark_count_ = landmarks.size();
  const double inf = std::numeric_limits<double>::infinity();
  landmark_cost_s_.assign(R * 2 * landmark_count_, inf);
  std::vector<double> dist;
  using Item = std::pair<double, Index>;
  std::vector<Item> heap;
  for (std::size_t l = 0; l < landmark_count_; ++l) {
    for (const bool forward : {true, false}) {
      dist.assign(R, inf);
      heap.clear();
      dist[landmarks[l]] = 0.0;
      heap.emplace_back(0.0, landmarks[l]);
      while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
        const auto [d, r] = heap.back();
        heap.pop_back();
        if (d > dist[r]) continue;
        const auto relax = [&](Index n, double nd) {
          if (nd < dist[n]) {
            dist[n] = nd;
            heap.emplace_back(nd, n);
            std::push_heap(heap.begin(), heap.end(), std::greater<>{});
          }
        };
        if (forward) {
          for (Index k = next_begin_[r]; k < next_begin_[r + 1]; ++k) {
            relax(next_[k], d + arc_cost_s_[k] + cost_s_[next_[k]]);
          }
        } else {
          for (Index i = prev_begin[r]; i < prev_begin[r + 1]; ++i) {
            const Index k = prev_arc[i];
            relax(from_of_arc[k], d + arc_cost_s_[k] + cost_s_[r]);
          }
        }
      }
      for (std::size_t r = 0; r < R; ++r) {
        landmark_cost_s_[(r * landmark_count_ + l) * 2 + (forward ? 0 : 1)] = dist[r];
      }
    }
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
  std::vector<double>& bound_of = scratch.bound;
  std::vector<Index>& prev = scratch.prev;
  if (dist.size() != R) {
    dist.assign(R, std::numeric_limits<double>::infinity());
    bound_of.assign(R, 0.0);
    prev.assign(R, kNone);
  }
  std::vector<Index>& touched = scratch.touched;
  // The landmark bound holds only while no road is cheaper than at free flow.
  bool bounded = landmark_count_ > 0;
  for (std::size_t r = 0; r < R && bounded; ++r) bounded = road_cost_s[r] >= cost_s_[r];
  // The landmarks that bound this query best, from its start (the "active" landmarks of
  // Goldberg & Harrelson): a few terms per road instead of all of them.
  const std::size_t L2 = 2 * landmark_count_;
  const double* to_goal = landmark_cost_s_.data() + to_road * L2;
  const double* at_start = landmark_cost_s_.data() + from_road * L2;
  std::array<std::size_t, kActiveLandmarks> active{};
  std::array<double, kActiveLandmarks> active_bound{};
  std::size_t active_count = 0;
  for (std::size_t i = 0; bounded && i < L2; ++i) {
    const double b = (i % 2 == 0) ? to_goal[i] - at_start[i] : at_start[i] - to_goal[i];
    if (!(b > 0.0)) continue;  // no bound (or no way: NaN, -inf)
    std::size_t at = active_count < kActiveLandmarks ? active_count++ : kActiveLandmarks;
    while (at > 0 && active_bound[at - 1] < b) {
      if (at < kActiveLandmarks)
        active[at] = active[at - 1], active_bound[at] = active_bound[at - 1];
      --at;
    }
    if (at < kActiveLandmarks) active[at] = i, active_bound[at] = b;
  }
  // cost(L, goal) <= cost(L, r) + cost(r, goal) and cost(r, L) <= cost(r, goal) +
  // cost(goal, L). Where a landmark has no way to or from a road the difference is +inf (the
  // goal cannot be reached from r: a true bound) or -inf / NaN (none), which max ignores.
  // Each term as sign * (goal's entry - road's entry), the goal's entry looked up once.
  std::array<double, kActiveLandmarks> goal_term{}, sign{};
  for (std::size_t k = 0; k < active_count; ++k) {
    sign[k] = active[k] % 2 == 0 ? 1.0 : -1.0;
    goal_term[k] = sign[k] * to_goal[active[k]];
  }
  const auto bound = [&](Index r) {
    const double* at = landmark_cost_s_.data() + r * L2;
    double b = 0.0;
    for (std::size_t k = 0; k < active_count; ++k) {
      b = std::max(b, goal_term[k] - sign[k] * at[active[k]]);
    }
    return b;
  };
  using Item = Scratch::Item;
  // Lowest estimate first; ties pop the lower road first.
  const auto later = [](const Item& a, const Item& b) {
    return a.estimate_s != b.estimate_s ? a.estimate_s > b.estimate_s : a.road > b.road;
  };
  std::vector<Item>& heap = scratch.heap;
  heap.clear();
  // A road's bound is worked out once, when the query first reaches it.
  const auto push = [&](double cost, Index r) {
    heap.push_back({cost + bound_of[r], r});
    std::push_heap(heap.begin(), heap.end(), later);
  };
  dist[from_road] = 0.0;
  bound_of[from_road] = bound(from_road);
  touched.push_back(from_road);
  push(0.0, from_road);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const Item top = heap.back();
    heap.pop_back();
    const Index r = top.road;
    const double d = dist[r];
    // An entry left behind when a cheaper way to r was found (its estimate is no longer
    // dist + bound, computed in the same order, so exactly equal when current).
    if (top.estimate_s > d + bound_of[r]) continue;
    if (r == to_road) break;
    for (Index k = next_begin_[r]; k < next_begin_[r + 1]; ++k) {
      if (!arc_blocked.empty() && arc_blocked[k] != 0) continue;
      const Index n = next_[k];
      const double nd = d + arc_cost_s_[k] + road_cost_s[n];
      if (nd < dist[n]) {
        if (dist[n] == std::numeric_limits<double>::infinity()) {
          touched.push_back(n);
          bound_of[n] = bound(n);
        }
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

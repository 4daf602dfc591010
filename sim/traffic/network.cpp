#include "sim/traffic/network.h"

#include <fmt/format.h>

#include <cmath>

#include "engine/error.h"

namespace parktwin::traffic {

const char* turn_name(Turn t) {
  switch (t) {
    case Turn::straight:
      return "straight";
    case Turn::left:
      return "left";
    case Turn::right:
      return "right";
    case Turn::uturn:
      return "uturn";
  }
  return "?";
}

const char* phase_kind_name(PhaseKind k) {
  switch (k) {
    case PhaseKind::green:
      return "green";
    case PhaseKind::amber:
      return "amber";
    case PhaseKind::all_red:
      return "all_red";
  }
  return "?";
}

void mark_clearance_phases(Network& net, PhaseKind clearance) {
  std::vector<std::uint64_t> competing(net.signal_count(), 0);  // phases with a competing green
  for (Index m = 0; m < net.movement_count(); ++m) {
    const Index g = net.junction_signal[net.movement_junction[m]];
    if (g == kNone) continue;
    const std::size_t n = net.signal_phases(g).size();
    const std::uint64_t all = n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
    const std::uint64_t mask = net.movement_green_phases[m] & all;
    if (mask != all) competing[g] |= mask;
  }
  for (Index g = 0; g < net.signal_count(); ++g) {
    for (Index p = net.signal_phase_begin[g]; p < net.signal_phase_begin[g + 1]; ++p) {
      const Index local = p - net.signal_phase_begin[g];
      if (net.phases[p].kind == PhaseKind::green && ((competing[g] >> local) & 1u) == 0) {
        net.phases[p].kind = clearance;
      }
    }
  }
}

bool Network::lane_reaches_road(Index lane, Index road) const {
  for (Index k = lane_links_begin[lane]; k < lane_links_begin[lane + 1]; ++k) {
    if (lane_road[link_to_lane[k]] == road) return true;
  }
  return false;
}

bool Network::road_reaches_road(Index from_road, Index to_road) const {
  const Index first = road_first_lane[from_road];
  for (Index l = first; l < first + road_lane_count[from_road]; ++l) {
    if (lane_reaches_road(l, to_road)) return true;
  }
  return false;
}

Index Network::find_road(const std::string& id) const {
  for (std::size_t r = 0; r < road_id.size(); ++r) {
    if (road_id[r] == id) return static_cast<Index>(r);
  }
  return kNone;
}

namespace {
[[noreturn]] void fail(const std::string& source, const std::string& field, const std::string& msg,
                       const std::string& expected = {}, const std::string& found = {}) {
  throw Error(msg).in_file(source).field(field).expected(expected).found(found);
}
}  // namespace

void validate(const Network& n, const std::string& source) {
  const std::size_t L = n.lane_count(), K = n.link_count(), S = n.segment_count();
  if (S != L + K || n.seg_speed_limit_mps.size() != S || n.seg_shape.size() != S) {
    fail(source, "segments", "segment tables disagree in size");
  }
  for (std::size_t s = 0; s < S; ++s) {
    const std::string what = s < L ? fmt::format("lane '{}'", n.road_id[n.lane_road[s]] + "_" +
                                                                  std::to_string(n.lane_index[s]))
                                   : fmt::format("link {}", s - L);
    if (!(n.seg_length_m[s] > 0.0) || !std::isfinite(n.seg_length_m[s])) {
      fail(source, what, "length must be positive", "> 0 m",
           fmt::format("{} m", n.seg_length_m[s]));
    }
    if (!(n.seg_speed_limit_mps[s] > 0.0)) {
      fail(source, what, "speed limit must be positive", "> 0 m/s",
           fmt::format("{} m/s", n.seg_speed_limit_mps[s]));
    }
  }
  for (std::size_t r = 0; r < n.road_count(); ++r) {
    if (n.road_lane_count[r] == 0) fail(source, "road '" + n.road_id[r] + "'", "road has no lanes");
    if (n.road_from[r] >= n.junction_count() || n.road_to[r] >= n.junction_count()) {
      fail(source, "road '" + n.road_id[r] + "'", "junction index out of range");
    }
  }
  if (!n.lane_access.empty() && n.lane_access.size() != L) {
    fail(source, "lanes", "lane permissions are not one per lane");
  }
  if (n.lane_links_begin.size() != L + 1 || n.lane_links_begin.back() != K) {
    fail(source, "links", "lane-to-link index is inconsistent");
  }
  for (std::size_t k = 0; k < K; ++k) {
    const Index from = n.link_from_lane[k], to = n.link_to_lane[k];
    const Index m = n.link_movement[k];
    if (from >= L || to >= L || m >= n.movement_count())
      fail(source, "links", "index out of range");
    if (n.lane_road[from] != n.movement_from_road[m] || n.lane_road[to] != n.movement_to_road[m]) {
      fail(source, fmt::format("link {}", k), "link does not join its movement's roads");
    }
    if (k + 1 < K && n.link_from_lane[k + 1] < from) {
      fail(source, "links", "links are not grouped by start lane");
    }
  }
  if (!n.movement_minor_phases.empty() && n.movement_minor_phases.size() != n.movement_count()) {
    fail(source, "movements", "minor-link table is inconsistent");
  }
  if (!n.movement_route_cost_s.empty() &&
      (n.movement_route_cost_s.size() != n.movement_count() ||
       !std::all_of(n.movement_route_cost_s.begin(), n.movement_route_cost_s.end(),
                    [](double c) { return c >= 0.0 && std::isfinite(c); }))) {
    fail(source, "movements", "routing costs are inconsistent");
  }
  if (!n.link_keep_clear.empty() && n.link_keep_clear.size() != K) {
    fail(source, "links", "keep-clear table is inconsistent");
  }
  if (!n.link_zipper.empty() && n.link_zipper.size() != K) {
    fail(source, "links", "zipper table is inconsistent");
  }
  if (!n.link_yield_begin.empty()) {
    if (n.link_yield_begin.size() != K + 1 || n.link_yield_begin.back() != n.link_yield_to.size()) {
      fail(source, "links", "right-of-way table is inconsistent");
    }
    for (std::size_t k = 0; k < K; ++k) {
      for (const Index foe : n.yield_to(static_cast<Index>(k))) {
        if (foe >= K ||
            n.movement_junction[n.link_movement[foe]] != n.movement_junction[n.link_movement[k]]) {
          fail(source, fmt::format("link {}", k), "must yield to a link of another junction");
        }
      }
    }
  }
  for (std::size_t d = 0; d < n.detector_count(); ++d) {
    if (n.detector_lane[d] >= L || !(n.detector_pos_m[d] >= 0.0) ||
        n.detector_pos_m[d] > n.seg_length_m[n.detector_lane[d]]) {
      fail(source, fmt::format("detector '{}'", n.detector_id[d]), "detector is not on its lane",
           "a lane and a position within its length");
    }
  }
  for (std::size_t m = 0; m < n.movement_count(); ++m) {
    const Index j = n.movement_junction[m];
    if (n.road_to[n.movement_from_road[m]] != j || n.road_from[n.movement_to_road[m]] != j) {
      fail(source,
           fmt::format("movement from '{}' to '{}'", n.road_id[n.movement_from_road[m]],
                       n.road_id[n.movement_to_road[m]]),
           "movement roads do not meet at its junction");
    }
  }
}

}  // namespace parktwin::traffic

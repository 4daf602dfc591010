#include "sim/traffic/lane_choice.h"

#include <cstdlib>

namespace parktwin::traffic {

Index select_link(const Network& net, Index lane, Index next_road, Index after_next) {
  Index best = kNone, best_fallback = kNone;
  int best_shift = 1 << 30, best_fallback_shift = 1 << 30;
  for (Index k = net.lane_links_begin[lane]; k < net.lane_links_begin[lane + 1]; ++k) {
    const Index to = net.link_to_lane[k];
    if (net.lane_road[to] != next_road) continue;
    const int shift = std::abs(int{net.lane_index[to]} - int{net.lane_index[lane]});
    const bool continues = after_next == kNone || net.lane_reaches_road(to, after_next);
    if (continues && shift < best_shift) best = k, best_shift = shift;
    if (shift < best_fallback_shift) best_fallback = k, best_fallback_shift = shift;
  }
  return best != kNone ? best : best_fallback;
}

void start_lanes(const Network& net, Index road, Index next_road, std::vector<Index>& out) {
  const Index first = net.road_first_lane[road];
  for (Index l = first; l < first + net.road_lane_count[road]; ++l) {
    if (next_road == kNone || net.lane_reaches_road(l, next_road)) out.push_back(l);
  }
}

}  // namespace parktwin::traffic

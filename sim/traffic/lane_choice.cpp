#include "sim/traffic/lane_choice.h"

#include <cstdlib>

namespace parktwin::traffic {

Index select_link(const Network& net, Index lane, Index next_road, Index after_next,
                  std::span<const std::uint8_t> closed) {
  return select_link_by(
      net, lane, next_road, closed,
      [&](Index to) { return after_next == kNone || net.lane_reaches_road(to, after_next); },
      [](Index) { return true; });
}

void start_lanes(const Network& net, Index road, Index next_road, std::vector<Index>& out,
                 std::span<const std::uint8_t> closed) {
  const std::size_t before = out.size();
  const Index first = net.road_first_lane[road];
  for (int pass = 0; pass < 2 && out.size() == before; ++pass) {
    for (Index l = first; l < first + net.road_lane_count[road]; ++l) {
      const bool open = pass == 1 || closed.empty() || closed[l] == 0;
      if (open && (next_road == kNone || net.lane_reaches_road(l, next_road))) out.push_back(l);
    }
  }
}

}  // namespace parktwin::traffic

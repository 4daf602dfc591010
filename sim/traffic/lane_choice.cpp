#include "sim/traffic/lane_choice.h"

#include <cstdlib>

namespace parktwin::traffic {

Index select_link(const Network& net, Index lane, Index next_road, Index after_next,
                  std::span<const std::uint8_t> closed) {
  // Rank: 0 open and leads on, 1 open, 2 closed and leads on, 3 closed; then the smallest
  // change of lane index; then input order.
  Index best = kNone;
  int best_rank = 4, best_shift = 1 << 30;
  for (Index k = net.lane_links_begin[lane]; k < net.lane_links_begin[lane + 1]; ++k) {
    const Index to = net.link_to_lane[k];
    if (net.lane_road[to] != next_road) continue;
    const int shift = std::abs(int{net.lane_index[to]} - int{net.lane_index[lane]});
    const bool continues = after_next == kNone || net.lane_reaches_road(to, after_next);
    const bool is_closed = !closed.empty() && closed[to] != 0;
    const int rank = (is_closed ? 2 : 0) + (continues ? 0 : 1);
    if (rank < best_rank || (rank == best_rank && shift < best_shift)) {
      best = k, best_rank = rank, best_shift = shift;
    }
  }
  return best;
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

#pragma once
// Which lanes and links a vehicle uses along its route when it does not change lanes:
// it starts on a lane of its first road that leads to its second road, and at each lane end
// takes the link onto the next road whose end lane still leads on to the road after, keeping
// its lateral position (smallest change of lane index; first in input order on ties), as
// CityFlow's router does (src/vehicle/router.cpp).

#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "sim/traffic/network.h"

namespace parktwin::traffic {

// Link to take from `lane` onto `next_road`, preferring end lanes that are open (`closed`:
// one byte per lane, 1 = closed by an event; empty when none is), then those that reach
// `after_next` (kNone when next_road is the last road). A link into a closed lane is chosen
// only when there is no other: the vehicle then waits at the line. kNone if the lane has no
// link to next_road.
Index select_link(const Network& net, Index lane, Index next_road, Index after_next,
                  std::span<const std::uint8_t> closed = {});
// The same ranking with "leads on" decided by `continues(end_lane)` (for a look further along
// the route than the road after: TrafficSim::leads_on), over the links whose end lane is
// `usable` (the vehicle may drive it: Network::lane_allows).
template <class Continues, class Usable>
Index select_link_by(const Network& net, Index lane, Index next_road,
                     std::span<const std::uint8_t> closed, Continues&& continues, Usable&& usable) {
  // Rank: 0 open and leads on, 1 open, 2 closed and leads on, 3 closed; then the smallest
  // change of lane index; then input order.
  Index best = kNone;
  int best_rank = 4, best_shift = 1 << 30;
  for (Index k = net.lane_links_begin[lane]; k < net.lane_links_begin[lane + 1]; ++k) {
    const Index to = net.link_to_lane[k];
    if (net.lane_road[to] != next_road || !usable(to)) continue;
    const int shift = std::abs(int{net.lane_index[to]} - int{net.lane_index[lane]});
    const bool is_closed = !closed.empty() && closed[to] != 0;
    const int rank = (is_closed ? 2 : 0) + (continues(to) ? 0 : 1);
    if (rank < best_rank || (rank == best_rank && shift < best_shift)) {
      best = k, best_rank = rank, best_shift = shift;
    }
  }
  return best;
}

// Lanes of `road` a trip may start on: those with a link to `next_road` (all lanes when
// next_road is kNone) that are not closed; when every such lane is closed, all of them (the
// trip waits for one to open). Appends to `out`.
void start_lanes(const Network& net, Index road, Index next_road, std::vector<Index>& out,
                 std::span<const std::uint8_t> closed = {});

}  // namespace parktwin::traffic

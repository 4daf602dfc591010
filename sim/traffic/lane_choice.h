#pragma once
// Which lanes and links a vehicle uses along its route when it does not change lanes:
// it starts on a lane of its first road that leads to its second road, and at each lane end
// takes the link onto the next road whose end lane still leads on to the road after, keeping
// its lateral position (smallest change of lane index; first in input order on ties), as
// CityFlow's router does (src/vehicle/router.cpp).

#include <cstdint>
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

// Lanes of `road` a trip may start on: those with a link to `next_road` (all lanes when
// next_road is kNone) that are not closed; when every such lane is closed, all of them (the
// trip waits for one to open). Appends to `out`.
void start_lanes(const Network& net, Index road, Index next_road, std::vector<Index>& out,
                 std::span<const std::uint8_t> closed = {});

}  // namespace parktwin::traffic

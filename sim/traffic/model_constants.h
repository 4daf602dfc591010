#pragma once
// Constants of the traffic model shared by the files that implement TrafficSim (not part of
// its interface).

#include <cstddef>

namespace parktwin::traffic::model {

// Segments per parallel task: fixed, so the cut never depends on the thread count (and the
// plan of a segment does not depend on the cut at all). 256 keeps enough tasks for balance
// on a 10x10 grid (~4900 segments, vehicles only on the ~1300 lanes); 1024 was tried and
// cut grid_10x10's two-thread speed in half (2026-11-25).
inline constexpr std::size_t kSegmentsPerChunk = 256;

inline constexpr double kHaltingSpeed = 0.1;  // m/s; SUMO's and CityFlow's "waiting" threshold
// Lane choice along the route (leads_on): a lane at least this long leaves room to change
// lanes on it (an assumption: a few vehicle lengths per lane crossed at city speeds; SUMO
// plans its "best lanes" 3 km ahead), and short lanes are followed at most this many roads on.
inline constexpr double kRoomToChange_m = 100.0;
inline constexpr int kLeadOnDepth = 4;
// Lanes and links carry no limit of their own inside a junction in CityFlow's model.
inline constexpr double kNoLimit = 1e4;
// A queued vehicle may enter a lane behind a tail that is still this fast (CityFlow's
// spillback rule): the tail will have moved on by the time the follower arrives.
inline constexpr double kMovingTailSpeed = 2.0;
// Keep-clear looks this many lanes ahead for room (SUMO's CRLL_LOOK_AHEAD is 5 links).
inline constexpr int kKeepClearDepth = 4;
// How far before a minor link a driver sees the foes (SUMO's default foe visibility, 4.5 m).
inline constexpr double kFoeVisibility_m = 4.5;
// A vehicle that must change lanes but has a vehicle alongside drops back to this much below
// its speed (an assumption: a car length gained in about 3 s).
inline constexpr double kFallBackSpeed = 2.0;
// How far before a zipper merge vehicles adapt to the foes of their link (SUMO's
// ZIPPER_ADAPT_DIST, MSLink.cpp).
inline constexpr double kZipperLook_m = 100.0;

}  // namespace parktwin::traffic::model

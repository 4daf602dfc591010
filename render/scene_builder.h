#pragma once
// Fills a SceneView from the road network (once) and from the traffic state of one moment
// (every frame), whichever source that moment comes from: a live simulation or a replayed
// run file. Allocation happens in scene_of and when the vehicle count grows; a frame of the
// same size reuses every buffer.

#include <cstdint>
#include <span>

#include "render/scene_view.h"
#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"

namespace parktwin::render {

enum class LaneColouring : std::uint8_t {
  speed,    // mean speed of the vehicles on the lane over its limit: red (stopped) to green
  density,  // vehicles per 100 m of lane: green (empty) to red (jammed, 20 per 100 m)
};

// One moment of traffic: every vehicle in the network as (trip, segment, position, speed),
// and each signal's phase.
struct TrafficFrame {
  double time_s = 0.0;
  std::span<const std::uint32_t> vehicle;  // trip index
  std::span<const std::uint32_t> segment;  // lane, or junction link L + k
  std::span<const float> pos_m;            // front bumper along the segment
  std::span<const float> speed_mps;
  std::span<const std::uint32_t> signal_phase;  // one per signal
  std::span<const std::uint8_t> lane_closed;    // one per lane, 1 = closed; empty: none
  std::span<const std::uint8_t> signal_agent;   // one per signal, 1 = an agent runs it; empty: none
};

// Ground, junctions, links and lane ribbons of `net`.
SceneView scene_of(const traffic::Network& net);

// Recolours the lanes (closed ones in their own colour), places the vehicles (coloured by class;
// sizes from `demand`'s types when given, else 5 x 2 m cars) and draws each signalised lane end as
// a stop line, green when a movement from the lane is green, and a cyan ring around each
// junction whose signal an agent runs. Throws parktwin::Error for a segment or signal out of
// range, or agent flags that are not one per signal.
void update_scene(const traffic::Network& net, const traffic::Demand* demand,
                  const TrafficFrame& frame, LaneColouring colouring, SceneView& scene);

// Marks roads on the map (the route ahead of the vehicle inspected, the road inspected): a
// translucent band along the middle of each, over its lanes and under the vehicles. Call after
// update_scene, which clears the overlays. Throws parktwin::Error for a road out of range.
void highlight_roads(const traffic::Network& net, std::span<const std::uint32_t> roads,
                     SceneView& scene);

}  // namespace parktwin::render

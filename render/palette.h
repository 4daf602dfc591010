#pragma once
// The viewer's colours, in one place: a dark ground so that lanes and vehicles stand out,
// a red-yellow-green ramp for lane speed and density (ColorBrewer RdYlGn, Harrower & Brewer,
// The Cartographic Journal 40 (2003) 27-37), and one colour per vehicle class.

#include <algorithm>
#include <cmath>

#include "render/scene_view.h"
#include "sim/traffic/demand.h"

namespace parktwin::render::palette {

inline constexpr Rgba8 kBackground{30, 34, 40, 255};
inline constexpr Rgba8 kJunction{62, 66, 74, 255};
// Land cover under the roads: muted, darker than the lanes, so traffic stays in front.
inline constexpr Rgba8 kWater{26, 62, 96, 255};
inline constexpr Rgba8 kPark{36, 66, 42, 255};
inline constexpr Rgba8 kLink{70, 75, 84, 255};
inline constexpr Rgba8 kEmptyLane{88, 94, 104, 255};
// A closed lane: blue, a hue neither the ramp, the signals nor the vehicles use.
inline constexpr Rgba8 kClosedLane{45, 95, 200, 255};
// Roads marked for the user (a route, the road inspected): white, see-through.
inline constexpr Rgba8 kHighlight{255, 255, 255, 140};
// A ring around a junction whose signal an agent (a learned policy) runs: cyan, apart from
// the ramp, the signals, the closed lanes' blue and the vehicles.
inline constexpr Rgba8 kAgentRing{0, 229, 255, 255};
inline constexpr Rgba8 kGreenLight{0, 230, 118, 255};
inline constexpr Rgba8 kRedLight{255, 23, 68, 255};

// t in [0, 1]: 0 red (#d73027), 0.5 yellow (#fee08b), 1 green (#1a9850); clamped.
inline Rgba8 ramp(double t) {
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
  const auto mix = [](double a, double b, double u) {
    return static_cast<std::uint8_t>(std::lround(a + (b - a) * u));
  };
  if (t < 0.5) {
    const double u = t / 0.5;
    return {mix(215, 254, u), mix(48, 224, u), mix(39, 139, u), 255};
  }
  const double u = (t - 0.5) / 0.5;
  return {mix(254, 26, u), mix(224, 152, u), mix(139, 80, u), 255};
}

inline Rgba8 vehicle(traffic::VehicleClass c) {
  switch (c) {
    case traffic::VehicleClass::car:
      return {225, 240, 255, 255};
    case traffic::VehicleClass::bus:
      return {255, 176, 0, 255};
    case traffic::VehicleClass::truck:
      return {199, 125, 255, 255};
  }
  return {255, 255, 255, 255};
}

}  // namespace parktwin::render::palette

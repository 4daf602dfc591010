#pragma once
// Shading between buildings: the share of each building's facades (per facade bin) and roof
// that the sun's beam reaches, from ray casts toward the sun (Bullet, engine/collision_world.h)
// of sample points on the walls and the roof against the other buildings' boxes.
//
// The sun's sky is cut into bins of 5 x 5 degrees (azimuth x elevation); a bin's shares are
// cast for the direction of its centre the first time the sun is in it, then reused: over a
// year the sun visits a few hundred bins, so a year costs a few hundred casts of the stock,
// each in parallel over the samples, not one per step (the "shading mask" of CitySim and of
// EnergyPlus's pre-computed shading per sun position, with the sun positions binned). Being a
// function of the bin alone, the shares do not depend on when they were cast: a resumed run and any
// thread count see the same ones.
//
// Each building is one box around its footprint (engine/geometry.h, oriented_bounds: exact
// for rectangles, a bound for an L or a courtyard) up to its height; a building never shades
// itself here. Samples: each wall in up to 4 x 4 patches by length and height, each roof at
// the inside points of a 3 x 3 grid, 0.3 m off the surface. Diffuse light is not shaded (the
// sky view factor is left for later), and neither are trees or terrain.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/collision_world.h"
#include "sim/buildings/building_stock.h"

namespace parktwin::buildings {

// Shares (0..1) of the beam that reaches each facade bin and the roof.
struct LitShares {
  std::array<float, kFacadeBins> facade{};
  float roof = 1.0f;
};

struct ShadingStats {
  std::uint64_t bins_cast = 0;  // sun bins computed so far
  std::uint64_t rays = 0;
  double seconds = 0.0;  // wall time spent casting
};

class SunShading {
 public:
  explicit SunShading(const BuildingStock& stock);

  // The shares of every building (stock order) for the sun at azimuth (from north, eastward)
  // and elevation (degrees). Below the horizon: all lit (there is no beam to shade). Casts the
  // bin on first use, in parallel: call from one thread, outside other parallel loops.
  std::span<const LitShares> at(double azimuth_deg, double elevation_deg);
  const ShadingStats& stats() const { return stats_; }
  std::size_t samples() const { return point_.size(); }

  static constexpr double kBinDeg = 5.0;

 private:
  void cast(std::size_t bin);

  struct Box {
    geo::Vec3 centre, half;
    float yaw = 0.0f;
  };
  std::vector<Box> boxes_;                   // per building, around its footprint
  std::vector<geo::CollisionWorld> worlds_;  // of boxes_, one per thread that casts
  std::vector<std::uint8_t> shaded_;         // per sample, scratch of a cast
  geo::Vec2 origin_;                         // the stock's centre: float coordinates near 0
  // Samples: position (relative to origin_), outward normal (zero on roofs), building and
  // slot (facade bin 0-7, or 8 for the roof), and its weight (area share).
  std::vector<geo::Vec3> point_, normal_;
  std::vector<std::uint32_t> building_;
  std::vector<std::uint8_t> slot_;
  std::vector<float> weight_;
  std::vector<std::array<float, kFacadeBins + 1>> total_weight_;  // per building and slot
  float ray_length_m_ = 0.0f, top_m_ = 0.0f;
  std::vector<std::vector<LitShares>> bins_;  // empty until cast
  std::vector<LitShares> all_lit_;
  ShadingStats stats_;
};

}  // namespace parktwin::buildings

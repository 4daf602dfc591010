#include "sim/buildings/shading.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>

#include "engine/parallel.h"

namespace parktwin::buildings {

namespace {

constexpr float kOffsetM = 0.3f;  // samples stand off the surface, outside its own box
constexpr std::size_t kRoofSlot = kFacadeBins;
constexpr std::size_t kAzimuthBins = 72, kElevationBins = 18;  // of SunShading::kBinDeg

double rad(double deg) { return deg * std::numbers::pi / 180.0; }

// Even-odd rule: is p inside the closed ring?
bool inside(std::span<const geo::Vec2f> ring, geo::Vec2 p) {
  bool in = false;
  for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const geo::Vec2 a = ring[i], b = ring[j];
    if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) {
      in = !in;
    }
  }
  return in;
}

}  // namespace

SunShading::SunShading(const BuildingStock& stock) {
  const std::size_t n = stock.size();
  // The stock's centre as origin; the longest shadow worth casting crosses the whole site.
  double lo_x = 1e300, lo_y = 1e300, hi_x = -1e300, hi_y = -1e300, top = 0.0;
  for (std::size_t b = 0; b < n; ++b) {
    for (const geo::Vec2f p : stock.footprint[b].points()) {
      lo_x = std::min(lo_x, static_cast<double>(p.x));
      hi_x = std::max(hi_x, static_cast<double>(p.x));
      lo_y = std::min(lo_y, static_cast<double>(p.y));
      hi_y = std::max(hi_y, static_cast<double>(p.y));
    }
    top = std::max(top, stock.height_m[b]);
  }
  origin_ = n > 0 ? geo::Vec2{0.5 * (lo_x + hi_x), 0.5 * (lo_y + hi_y)} : geo::Vec2{0.0, 0.0};
  ray_length_m_ = n > 0 ? static_cast<float>(std::hypot(hi_x - lo_x, hi_y - lo_y, top)) : 0.0f;
  top_m_ = static_cast<float>(top);
  total_weight_.assign(n, {});
  for (std::size_t b = 0; b < n; ++b) {
    const auto ring = stock.footprint[b].points();
    const double h = stock.height_m[b];
    const geo::OrientedRect r = geo::oriented_bounds(ring);
    boxes_.push_back(
        {{static_cast<float>(r.centre.x - origin_.x), static_cast<float>(r.centre.y - origin_.y),
          static_cast<float>(0.5 * h)},
         {static_cast<float>(std::max(r.half_along, 0.01)),
          static_cast<float>(std::max(r.half_across, 0.01)), static_cast<float>(0.5 * h)},
         static_cast<float>(r.yaw_rad)});
    const auto add = [&](geo::Vec3 p, geo::Vec3 normal, std::size_t slot, float w) {
      point_.push_back(p);
      normal_.push_back(normal);
      building_.push_back(static_cast<std::uint32_t>(b));
      slot_.push_back(static_cast<std::uint8_t>(slot));
      weight_.push_back(w);
      total_weight_[b][slot] += w;
    };
    // Walls: the ring is counter-clockwise (build_stock), so outward is right of each edge.
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
      const geo::Vec2 a = ring[i], e = geo::Vec2(ring[i + 1]) - a;
      const double len = geo::length(e);
      if (len <= 0.0) continue;
      const geo::Vec2 out{e.y / len, -e.x / len};
      const std::size_t bin = facade_bin(out);
      const int along = std::clamp(static_cast<int>(len / 10.0), 1, 4);
      const int up = std::clamp(static_cast<int>(h / 10.0), 1, 4);
      const auto w = static_cast<float>(len * h / (along * up));
      for (int k = 0; k < along; ++k) {
        for (int j = 0; j < up; ++j) {
          const geo::Vec2 p = a + e * ((k + 0.5) / along) + out * static_cast<double>(kOffsetM);
          add({static_cast<float>(p.x - origin_.x), static_cast<float>(p.y - origin_.y),
               static_cast<float>(h * (j + 0.5) / up)},
              {static_cast<float>(out.x), static_cast<float>(out.y), 0.0f}, bin, w);
        }
      }
    }
    // Roof: the grid points of its rectangle that lie on the footprint.
    const geo::Vec2 ax{std::cos(r.yaw_rad), std::sin(r.yaw_rad)}, ac{-ax.y, ax.x};
    for (int k = 0; k < 3; ++k) {
      for (int j = 0; j < 3; ++j) {
        const geo::Vec2 p = r.centre + ax * (r.half_along * (k - 1) * 2.0 / 3.0) +
                            ac * (r.half_across * (j - 1) * 2.0 / 3.0);
        if (!inside(ring, p)) continue;
        add({static_cast<float>(p.x - origin_.x), static_cast<float>(p.y - origin_.y),
             static_cast<float>(h) + kOffsetM},
            {}, kRoofSlot, 1.0f);
      }
    }
  }
  all_lit_.assign(n, LitShares{});
  for (LitShares& s : all_lit_) s.facade.fill(1.0f);
  bins_.resize(kAzimuthBins * kElevationBins);
}

std::span<const LitShares> SunShading::at(double azimuth_deg, double elevation_deg) {
  if (!(elevation_deg > 0.0) || !std::isfinite(azimuth_deg)) return all_lit_;
  const double az = std::fmod(std::fmod(azimuth_deg, 360.0) + 360.0, 360.0);
  const auto a = std::min(static_cast<std::size_t>(az / kBinDeg), kAzimuthBins - 1);
  const auto e = std::min(static_cast<std::size_t>(elevation_deg / kBinDeg), kElevationBins - 1);
  const std::size_t bin = a * kElevationBins + e;
  if (bins_[bin].empty()) cast(bin);
  return bins_[bin];
}

void SunShading::cast(std::size_t bin) {
  const auto start = std::chrono::steady_clock::now();
  const double az = rad((static_cast<double>(bin / kElevationBins) + 0.5) * kBinDeg);
  const double el = rad((static_cast<double>(bin % kElevationBins) + 0.5) * kBinDeg);
  // Toward the sun: x east, y north, z up.
  const geo::Vec3 to_sun{static_cast<float>(std::cos(el) * std::sin(az)),
                         static_cast<float>(std::cos(el) * std::cos(az)),
                         static_cast<float>(std::sin(el))};
  // One collision world per thread (Bullet's ray queries are not thread-safe on one world),
  // built the first time that many threads cast; each world takes one chunk of the samples,
  // and each sample's answer goes to its own slot: the same for any thread count.
  const auto threads = static_cast<std::size_t>(std::max(1, par::max_threads()));
  while (worlds_.size() < threads) {
    geo::CollisionWorld& w = worlds_.emplace_back();
    for (std::size_t b = 0; b < boxes_.size(); ++b) {
      w.add_box(b, boxes_[b].centre, boxes_[b].half, boxes_[b].yaw);
    }
  }
  const std::size_t n = point_.size();
  shaded_.assign(n, 0);
  std::vector<std::uint64_t> rays(threads, 0);
  par::parallel_for(n, std::max<std::size_t>(1, (n + threads - 1) / threads),
                    [&](std::size_t i0, std::size_t i1, std::size_t chunk) {
                      const geo::CollisionWorld& world = worlds_[chunk];
                      for (std::size_t i = i0; i < i1; ++i) {
                        const geo::Vec3 nrm = normal_[i];
                        // A wall turned away from the sun gets no beam: nothing to shade.
                        if (slot_[i] != kRoofSlot &&
                            !(nrm.x * to_sun.x + nrm.y * to_sun.y + nrm.z * to_sun.z > 0.0f)) {
                          continue;
                        }
                        // Past the tallest roof nothing can stand in the way: the ray ends.
                        const float rise = std::max(top_m_ - point_[i].z, 0.0f) / to_sun.z + 1.0f;
                        shaded_[i] =
                            world.occluded_by_other(
                                point_[i], point_[i] + to_sun * std::min(rise, ray_length_m_),
                                building_[i])
                                ? 1
                                : 0;
                        ++rays[chunk];
                      }
                    });
  for (const std::uint64_t r : rays) stats_.rays += r;
  std::vector<std::array<float, kFacadeBins + 1>> lit(total_weight_.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (shaded_[i] == 0) lit[building_[i]][slot_[i]] += weight_[i];
  }
  std::vector<LitShares>& out = bins_[bin];
  out.resize(total_weight_.size());
  for (std::size_t b = 0; b < total_weight_.size(); ++b) {
    for (std::size_t s = 0; s <= kFacadeBins; ++s) {
      const float total = total_weight_[b][s];
      const float share = total > 0.0f ? lit[b][s] / total : 1.0f;
      (s == kRoofSlot ? out[b].roof : out[b].facade[s]) = share;
    }
  }
  ++stats_.bins_cast;
  stats_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace parktwin::buildings

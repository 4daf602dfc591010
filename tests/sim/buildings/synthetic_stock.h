#pragma once
// Test and bench support: a reproducible stock of `n` box-shaped buildings of every use type,
// in a square grid of blocks, sizes and orientations varied by a counter-based draw.

#include <fmt/format.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "engine/rng.h"
#include "sim/buildings/building_stock.h"

namespace parktwin::test {

inline std::vector<buildings::BuildingSpec> synthetic_buildings(std::size_t n,
                                                                std::uint64_t seed = 1) {
  std::vector<buildings::BuildingSpec> specs(n);
  const auto side = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  for (std::size_t i = 0; i < n; ++i) {
    const auto u = [&](std::uint64_t k) {
      return rng::uniform(seed, 7u, static_cast<std::uint32_t>(i), k);
    };
    buildings::BuildingSpec& s = specs[i];
    s.id = fmt::format("b{}", i);
    s.use = static_cast<buildings::UseType>(i % buildings::kUseTypes);
    const double w = 20.0 + 40.0 * u(0), d = 12.0 + 25.0 * u(1);
    const double turn = std::numbers::pi / 2.0 * u(2);  // any orientation
    const double cx = 100.0 * static_cast<double>(i % side),
                 cy = 100.0 * static_cast<double>(i / side);
    const double c = std::cos(turn), sn = std::sin(turn);
    for (const auto& [x, y] :
         {std::pair{-w / 2, -d / 2}, {w / 2, -d / 2}, {w / 2, d / 2}, {-w / 2, d / 2}}) {
      s.footprint.push_back({cx + c * x - sn * y, cy + sn * x + c * y});
    }
    s.floors = 1 + static_cast<int>(12.0 * u(3));
    s.height_m = 3.5 * s.floors;
    s.file = "synthetic";
    s.line = static_cast<int>(i);
  }
  return specs;
}

}  // namespace parktwin::test

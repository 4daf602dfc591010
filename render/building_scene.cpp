#include "render/building_scene.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "render/palette.h"

namespace parktwin::render {

namespace {

constexpr Rgba8 kUnknownBuilding{150, 152, 158, 255};

// The shade of a wall facing `normal` (unit, horizontal) under the vehicles' fixed light:
// from the north-west and 48 degrees up (vehicle.vert), as in map hill shading.
float wall_shade(double nx, double ny) {
  const double lit = std::max(0.0, -0.48 * nx + 0.48 * ny);
  return static_cast<float>(0.5 + 0.4 * lit / 0.679);  // 0.679: the light's horizontal part
}

Rgba8 mix(Rgba8 a, Rgba8 b, double u) {
  const auto m = [&](std::uint8_t x, std::uint8_t y) {
    return static_cast<std::uint8_t>(std::lround(x + (y - x) * std::clamp(u, 0.0, 1.0)));
  };
  return {m(a.r, b.r), m(a.g, b.g), m(a.b, b.b), 255};
}

// Three-stop ramps from ColorBrewer (Harrower & Brewer 2003): RdBu reversed for temperature
// (#2166ac, #f7f7f7, #b2182b), YlOrRd for load (#ffffb2, #fd8d3c, #bd0026).
Rgba8 three_stops(Rgba8 a, Rgba8 b, Rgba8 c, double t) {
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
  return t < 0.5 ? mix(a, b, t / 0.5) : mix(b, c, (t - 0.5) / 0.5);
}

// The share of a building's windows lit: its electricity now over its lights and equipment at
// full schedule (the archetype's occupancy drives both; HVAC adds a little, capped at 1). A
// proxy, as the state holds no occupancy: an office at night keeps its base load and a few
// lit windows, homes light up in the evening.
float window_share(const buildings::BuildingStock& stock, const buildings::BuildingsState& state,
                   std::size_t b) {
  const double full_w = static_cast<double>(stock.lighting_w[b] + stock.equipment_w[b]);
  if (!(full_w > 0.0) || b >= state.electric_w.size()) return 0.0f;
  return static_cast<float>(
      std::clamp(static_cast<double>(state.electric_w[b]) / full_w, 0.0, 1.0));
}

}  // namespace

Rgba8 building_ramp(BuildingColouring colouring, double t) {
  if (colouring == BuildingColouring::temperature) {
    return three_stops({33, 102, 172, 255}, {247, 247, 247, 255}, {178, 24, 43, 255}, t);
  }
  if (colouring == BuildingColouring::load) {
    return three_stops({255, 255, 178, 255}, {253, 141, 60, 255}, {189, 0, 38, 255}, t);
  }
  // PV: ColorBrewer YlGn reversed, dark green (#006837) to pale yellow (#ffffcc) in the sun.
  return three_stops({0, 104, 55, 255}, {120, 198, 121, 255}, {255, 255, 204, 255}, t);
}

RampEnds building_ramp_ends(BuildingColouring colouring) {
  if (colouring == BuildingColouring::temperature) return {18.0, 30.0, "C indoor air"};
  if (colouring == BuildingColouring::load) return {0.0, 60.0, "W/m2 electricity"};
  return {0.0, 150.0, "W/m2 of roof from PV"};
}

void add_buildings(const buildings::BuildingStock& stock, SceneView& scene) {
  scene.buildings.clear();
  scene.building_begin.assign(stock.size() + 1, 0);
  std::vector<geo::Vec2> poly;
  std::vector<std::array<std::size_t, 3>> triangles;
  for (std::size_t b = 0; b < stock.size(); ++b) {
    scene.building_begin[b] = static_cast<std::uint32_t>(scene.buildings.size());
    poly.clear();
    for (const geo::Vec2f p : stock.footprint[b].points()) {
      poly.push_back(
          {static_cast<double>(p.x) - scene.origin.x, static_cast<double>(p.y) - scene.origin.y});
    }
    if (poly.size() > 1 && poly.front().x == poly.back().x && poly.front().y == poly.back().y) {
      poly.pop_back();  // closed ring
    }
    const auto z = static_cast<float>(stock.height_m[b]);
    const float storey = z / static_cast<float>(std::max<std::uint16_t>(1, stock.floors[b]));
    const auto v = [&](geo::Vec2 p, float height, float shade, float storey_m) {
      scene.buildings.push_back({static_cast<float>(p.x), static_cast<float>(p.y), height, shade,
                                 kUnknownBuilding, storey_m, 0.0f});
    };
    triangles.clear();
    geo::triangulate(poly, triangles);
    for (const auto& t : triangles) {  // the roof, counter-clockwise seen from above
      for (const std::size_t i : t) v(poly[i], z, 1.0f, 0.0f);
    }
    for (std::size_t i = 0; i < poly.size(); ++i) {  // walls, counter-clockwise from outside
      const geo::Vec2 a = poly[i], c = poly[(i + 1) % poly.size()];
      const double len = std::hypot(c.x - a.x, c.y - a.y);
      if (!(len > 0.0)) continue;
      const float shade = wall_shade((c.y - a.y) / len, -(c.x - a.x) / len);  // outward normal
      v(a, 0.0f, shade, storey);
      v(c, 0.0f, shade, storey);
      v(c, z, shade, storey);
      v(a, 0.0f, shade, storey);
      v(c, z, shade, storey);
      v(a, z, shade, storey);
    }
  }
  scene.building_begin[stock.size()] = static_cast<std::uint32_t>(scene.buildings.size());
}

void update_buildings(const buildings::BuildingStock& stock, const buildings::BuildingsState& state,
                      double sun_elevation_deg, BuildingColouring colouring, SceneView& scene) {
  const RampEnds ends = building_ramp_ends(colouring);
  // Civil twilight: dark below -6 degrees, full light from 10 degrees up.
  const auto daylight = static_cast<float>(std::clamp((sun_elevation_deg + 6.0) / 16.0, 0.0, 1.0));
  for (std::size_t b = 0; b < stock.size() && b + 1 < scene.building_begin.size(); ++b) {
    double value = 0.0;
    switch (colouring) {
      case BuildingColouring::temperature:
        value = static_cast<double>(state.air_c[b]);
        break;
      case BuildingColouring::load:
        value = static_cast<double>(state.electric_w[b]) / stock.floor_area_m2[b];
        break;
      case BuildingColouring::pv:
        value = static_cast<double>(state.pv_w[b]) / stock.roof_area_m2[b];
        break;
    }
    const bool no_pv = colouring == BuildingColouring::pv && stock.pv_kwp[b] == 0.0f;
    const Rgba8 c = no_pv ? kUnknownBuilding
                          : building_ramp(colouring, (value - ends.low) / (ends.high - ends.low));
    const float lit = daylight < 1.0f ? window_share(stock, state, b) : 0.0f;
    for (std::uint32_t k = scene.building_begin[b]; k < scene.building_begin[b + 1]; ++k) {
      scene.buildings[k].colour = c;
      scene.buildings[k].window_light = scene.buildings[k].storey_m > 0.0f ? lit : 0.0f;
    }
  }
  scene.daylight = daylight;
  scene.background = mix({8, 10, 16, 255}, palette::kBackground, scene.daylight);
}

}  // namespace parktwin::render

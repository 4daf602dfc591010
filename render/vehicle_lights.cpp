#include "render/vehicle_lights.h"

#include <algorithm>
#include <cmath>

namespace parktwin::render {

namespace {

// Beam: 15 m of road lit ahead, widening from the vehicle's width to 2.4 times it (low beams
// reach about 30-50 m; the bright pool nearest the car is what reads from above), fading out.
constexpr float kBeam_m = 15.0f, kBeamSpread = 2.4f;
constexpr float kTailGlow_m = 2.5f;
constexpr Rgba8 kHeadlight{255, 236, 170, 0};  // warm white (halogen, about 3200 K)
constexpr Rgba8 kTailLight{235, 30, 25, 0};

// A quad from centre c0 (half-width w0, colour a) to c1 (half-width w1, colour b), across
// `side` (a unit normal), as two triangles of flat vertices.
void quad(std::vector<FlatVertex>& out, float c0x, float c0y, float c1x, float c1y, float nx,
          float ny, float w0, float w1, Rgba8 a, Rgba8 b) {
  const FlatVertex l0{c0x, c0y, nx * w0, ny * w0, a}, r0{c0x, c0y, -nx * w0, -ny * w0, a};
  const FlatVertex l1{c1x, c1y, nx * w1, ny * w1, b}, r1{c1x, c1y, -nx * w1, -ny * w1, b};
  out.insert(out.end(), {l0, r0, l1, r0, r1, l1});
}

Rgba8 with_alpha(Rgba8 c, float a) {
  c.a = static_cast<std::uint8_t>(std::lround(std::clamp(a, 0.0f, 1.0f) * 255.0f));
  return c;
}

}  // namespace

void add_vehicle_lights(SceneView& scene) {
  const float night = 1.0f - std::clamp(scene.daylight, 0.0f, 1.0f);
  if (night <= 0.02f) return;
  scene.overlays.reserve(scene.overlays.size() + scene.vehicles.size() * 12);
  const Rgba8 beam_near = with_alpha(kHeadlight, 0.55f * night);
  const Rgba8 beam_far = with_alpha(kHeadlight, 0.0f);
  const Rgba8 tail_near = with_alpha(kTailLight, 0.75f * night);
  const Rgba8 tail_far = with_alpha(kTailLight, 0.0f);
  for (const VehicleInstance& v : scene.vehicles) {
    const float dx = std::cos(v.heading_rad), dy = std::sin(v.heading_rad);
    const float nx = -dy, ny = dx;  // to the left
    const float half = 0.5f * v.width_m;
    quad(scene.overlays, v.front_x_m, v.front_y_m, v.front_x_m + dx * kBeam_m,
         v.front_y_m + dy * kBeam_m, nx, ny, half, half * kBeamSpread, beam_near, beam_far);
    const float rx = v.front_x_m - dx * v.length_m, ry = v.front_y_m - dy * v.length_m;
    quad(scene.overlays, rx, ry, rx - dx * kTailGlow_m, ry - dy * kTailGlow_m, nx, ny, half, half,
         tail_near, tail_far);
  }
}

}  // namespace parktwin::render

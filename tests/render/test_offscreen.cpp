// The offscreen renderer on lavapipe (Mesa's CPU Vulkan, the same on every machine): frames of
// a small signalised grid at fixed times match the golden PNGs in tests/data/render within a
// small per-pixel tolerance, change when the traffic changes, and raise no validation message.
// Set PARKTWIN_UPDATE_GOLDEN=1 to rewrite the golden files (then look at them).

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "render/building_scene.h"
#include "render/camera.h"
#include "render/offscreen_renderer.h"
#include "render/palette.h"
#include "render/png_io.h"
#include "render/scene_builder.h"
#include "render/vehicle_lights.h"
#include "render/vulkan/context.h"
#include "scenarios/run_file.h"
#include "sim/buildings/buildings_sim.h"
#include "sim/traffic/traffic_sim.h"
#include "tests/render/grid_2x2.h"

using namespace parktwin;

namespace {

namespace fs = std::filesystem;

using Grid = test::Grid2x2;
const Grid& grid() { return test::grid_2x2(); }

struct Frame {
  render::SceneView scene;
  std::size_t vehicles = 0;
};

// The grid's scene at `time_s` of a fixed-time run (`agents`: the signals flagged as run by an
// agent).
Frame frame_at(double time_s, std::span<const std::uint8_t> agents = {}) {
  const Grid& g = grid();
  traffic::TrafficSim sim(g.net, g.demand, {});
  while (sim.time_s() < time_s) sim.step();
  scenarios::TrafficSample sample(g.net, g.demand.trip_count());
  sample.take(sim);
  Frame f{render::scene_of(g.net), sample.vehicles_in_network};
  render::TrafficFrame tf;
  tf.time_s = sim.time_s();
  const std::size_t n = sample.vehicles_in_network;
  tf.vehicle = std::span(sample.vehicle).first(n);
  tf.segment = std::span(sample.segment).first(n);
  tf.pos_m = std::span(sample.pos_m).first(n);
  tf.speed_mps = std::span(sample.speed_mps).first(n);
  tf.signal_phase = sample.signal_phase;
  tf.signal_agent = agents;
  render::update_scene(g.net, &g.demand, tf, render::LaneColouring::speed, f.scene);
  return f;
}

const render::VulkanContext& lavapipe() {
  static const render::VulkanContext ctx({/*validation=*/true, /*prefer_cpu=*/true});
  return ctx;
}

// Pixels whose largest channel difference exceeds `tolerance`.
std::size_t differing_pixels(const render::RgbaImage& a, const render::RgbaImage& b,
                             int tolerance) {
  REQUIRE(a.width == b.width);
  REQUIRE(a.height == b.height);
  std::size_t n = 0;
  for (std::size_t i = 0; i < a.pixels.size(); i += 4) {
    int worst = 0;
    for (std::size_t c = 0; c < 4; ++c) {
      worst = std::max(worst, std::abs(int{a.pixels[i + c]} - int{b.pixels[i + c]}));
    }
    n += worst > tolerance ? 1 : 0;
  }
  return n;
}

void check_golden(const render::RgbaImage& image, const std::string& name) {
  const std::string path = std::string(PARKTWIN_SOURCE_DIR) + "/tests/data/render/" + name;
  if (std::getenv("PARKTWIN_UPDATE_GOLDEN") != nullptr) {
    render::write_png(path, image);
    WARN("rewrote " << path);
    return;
  }
  const render::RgbaImage golden = render::read_png(path);
  // Rasterisation may differ along edges between Mesa versions: a few pixels, slightly.
  const std::size_t allowed = image.pixels.size() / 4 / 200;  // 0.5%
  CHECK(differing_pixels(image, golden, 24) <= allowed);
}

}  // namespace

TEST_CASE("frames of a grid on lavapipe match their golden images", "[render][golden]") {
  const render::VulkanContext& vk = lavapipe();
  CHECK(vk.is_cpu_device());
  render::OffscreenRenderer renderer(vk, 320, 320);
  for (const double t : {120.0, 480.0}) {
    const Frame f = frame_at(t);
    REQUIRE(f.vehicles > 20);
    const render::RgbaImage& image =
        renderer.render(f.scene, render::fit_camera(f.scene, 320, 320));
    check_golden(image, fmt::format("grid2x2_t{:.0f}.png", t));
  }
  // In 3D: a junction seen obliquely from the south-west, vehicles as boxes.
  const Frame f = frame_at(480.0);
  const traffic::Network& net = grid().net;
  const traffic::Index junction = net.signal_junction[0];
  render::Camera oblique;
  oblique.center_x_m = net.junction_pos[junction].x - f.scene.origin.x;
  oblique.center_y_m = net.junction_pos[junction].y - f.scene.origin.y;
  oblique.metres_per_pixel = 0.2;
  oblique.pitch_deg = 35.0;
  oblique.heading_deg = 40.0;
  check_golden(renderer.render(f.scene, oblique), "grid2x2_t480_oblique.png");
  if (vk.validation_enabled()) {
    CHECK(vk.validation_messages() == 0);
    INFO(vk.first_validation_message());
  }
}

TEST_CASE("a frame changes when the traffic does, and is never blank", "[render]") {
  const render::VulkanContext& vk = lavapipe();
  render::OffscreenRenderer renderer(vk, 256, 256);
  const Frame early = frame_at(120.0), late = frame_at(480.0);
  const render::Camera camera = render::fit_camera(early.scene, 256, 256);
  const render::RgbaImage a = renderer.render(early.scene, camera);
  const render::RgbaImage b = renderer.render(late.scene, camera);
  CHECK(differing_pixels(a, b, 24) > 100);
  // Not a constant frame: the background, lanes of several colours, vehicles, lights.
  std::set<std::uint32_t> colours;
  for (std::size_t i = 0; i < a.pixels.size(); i += 4) {
    colours.insert(std::uint32_t{a.pixels[i]} << 16 | std::uint32_t{a.pixels[i + 1]} << 8 |
                   a.pixels[i + 2]);
  }
  CHECK(colours.size() > 50);
  // The same state gives the same picture (the renderer keeps nothing between frames).
  CHECK(differing_pixels(renderer.render(early.scene, camera), a, 0) == 0);
  // An empty scene is the background alone.
  render::SceneView empty;
  empty.background = {10, 20, 30, 255};
  const render::RgbaImage& blank = renderer.render(empty, camera);
  CHECK(blank.pixels[0] == 10);
  CHECK(blank.pixels[1] == 20);
  CHECK(blank.pixels[2] == 30);
}

TEST_CASE("vehicles are drawn where the simulation has them", "[render]") {
  const render::VulkanContext& vk = lavapipe();
  render::OffscreenRenderer renderer(vk, 200, 200);
  render::SceneView scene;
  scene.background = {0, 0, 0, 255};
  scene.min_x_m = -50.0f;
  scene.max_x_m = 50.0f;
  scene.min_y_m = -50.0f;
  scene.max_y_m = 50.0f;
  // One 10 m x 4 m vehicle heading north, front at (20, 30): at 0.5 m per pixel centred on the
  // origin it covers x in [36, 44) px... rows for y from 30 down to 20 m.
  render::VehicleInstance v;
  v.front_x_m = 20.0f;
  v.front_y_m = 30.0f;
  v.heading_rad = static_cast<float>(std::acos(-1.0) / 2);
  v.length_m = 10.0f;
  v.width_m = 4.0f;
  v.colour = {255, 255, 255, 255};
  scene.vehicles.push_back(v);
  render::Camera camera;
  camera.metres_per_pixel = 0.5;
  const render::RgbaImage& image = renderer.render(scene, camera);
  const auto lit = [&](int px, int py) {
    return image.pixels[(std::size_t(py) * 200 + px) * 4] > 100;
  };
  // Image centre (100, 100) is the origin; x = 20 m is column 140, y = 30 m is row 40 (north up).
  CHECK(lit(140, 45));        // inside, near the front
  CHECK(lit(140, 55));        // inside, near the back
  CHECK_FALSE(lit(140, 35));  // ahead of the front
  CHECK_FALSE(lit(140, 65));  // behind the back
  CHECK_FALSE(lit(148, 50));  // beside it
  CHECK_FALSE(lit(100, 100));
}

TEST_CASE("nearer vehicles hide farther ones whatever the drawing order", "[render]") {
  const render::VulkanContext& vk = lavapipe();
  render::OffscreenRenderer renderer(vk, 200, 200);
  render::SceneView scene;
  scene.background = {0, 0, 0, 255};
  // Looking north at a low angle: a red bus (3 m high) across the view, a blue car behind it
  // far enough for its roof to show above the bus.
  render::VehicleInstance bus, car;
  bus.front_y_m = -2.0f;
  bus.length_m = 12.0f;
  bus.width_m = 2.5f;
  bus.heading_rad = 0.0f;
  bus.front_x_m = 6.0f;
  bus.colour = {255, 0, 0, 255};
  car = bus;
  car.front_y_m = 20.0f;
  car.length_m = 5.0f;
  car.width_m = 2.0f;
  car.colour = {0, 0, 255, 255};
  render::Camera camera;
  camera.metres_per_pixel = 0.1;
  camera.pitch_deg = 15.0;
  scene.vehicles = {bus, car};
  const render::RgbaImage front_first = renderer.render(scene, camera);
  scene.vehicles = {car, bus};
  const render::RgbaImage back_first = renderer.render(scene, camera);
  CHECK(differing_pixels(front_first, back_first, 0) == 0);
  // Both show: the car's roof above the bus, the bus in front.
  std::size_t red = 0, blue = 0;
  for (std::size_t i = 0; i < back_first.pixels.size(); i += 4) {
    red += back_first.pixels[i] > 100 && back_first.pixels[i + 2] < 50;
    blue += back_first.pixels[i + 2] > 100 && back_first.pixels[i] < 50;
  }
  CHECK(red > 500);
  CHECK(blue > 50);
}

TEST_CASE("the junctions an agent runs are ringed, the others not", "[render]") {
  const Grid& g = grid();
  const auto is_ring = [](const render::FlatVertex& v) {
    return v.colour.r == render::palette::kAgentRing.r &&
           v.colour.g == render::palette::kAgentRing.g &&
           v.colour.b == render::palette::kAgentRing.b;
  };
  const auto ring_vertices = [&](const Frame& f) {
    return std::count_if(f.scene.overlays.begin(), f.scene.overlays.end(), is_ring);
  };
  CHECK(ring_vertices(frame_at(60.0)) == 0);
  std::vector<std::uint8_t> agents(g.net.signal_count(), 0);
  agents[2] = 1;
  const Frame f = frame_at(60.0, agents);
  CHECK(ring_vertices(f) == 32 * 6);  // one ring of 32 bands
  // Around signal 2's junction, just outside its stop lines: farther than every lane end.
  const traffic::Index j = g.net.signal_junction[2];
  const geo::Vec2 c = g.net.junction_pos[j] - f.scene.origin;
  for (const render::FlatVertex& v : f.scene.overlays) {
    if (!is_ring(v)) continue;
    const double r = std::hypot(double{v.x_m} - c.x, double{v.y_m} - c.y);
    const double reach = f.scene.junction_reach_m[j];
    CHECK(r > reach);
    CHECK(r < reach + 6.0);
  }
  std::fill(agents.begin(), agents.end(), 1);
  CHECK(ring_vertices(frame_at(60.0, agents)) == 4 * 32 * 6);
  agents.pop_back();
  CHECK_THROWS_WITH(frame_at(60.0, agents), Catch::Contains("number of agent flags"));
}

TEST_CASE("tests run with the Khronos validation layer when it is installed", "[render]") {
  // tools/install-deps.sh --test installs it (vulkan-validationlayers); CI has it.
  const bool installed =
      fs::exists("/usr/share/vulkan/explicit_layer.d/VkLayer_khronos_validation.json");
  CHECK(lavapipe().validation_enabled() == installed);
}

TEST_CASE("after dark windows and headlights light up, in warm light, where they should",
          "[render][golden][night]") {
  // The grid at 480 s with four ten-storey offices round its first junction, seen obliquely.
  Frame f = frame_at(480.0);
  const traffic::Network& net = grid().net;
  const geo::Vec2 j = net.junction_pos[net.signal_junction[0]];
  std::vector<buildings::BuildingSpec> specs;
  for (const auto& [dx, dy] :
       {std::pair{-45.0, -45.0}, {45.0, -45.0}, {45.0, 45.0}, {-45.0, 45.0}}) {
    buildings::BuildingSpec s;
    s.id = fmt::format("b{}", specs.size());
    const double x = j.x + dx, y = j.y + dy;
    s.footprint = {{x - 15, y - 10}, {x + 15, y - 10}, {x + 15, y + 10}, {x - 15, y + 10}};
    s.height_m = 35.0;
    s.floors = 10;
    s.use = buildings::UseType::office;
    specs.push_back(s);
  }
  const buildings::BuildingStock stock = buildings::build_stock(specs);
  render::add_buildings(stock, f.scene);
  buildings::BuildingsState state;
  state.air_c.assign(4, 24.0f);
  // Busy (all lights and equipment on), half, a tenth, dark.
  for (const double share : {1.0, 0.5, 0.1, 0.0}) {
    const std::size_t b = state.electric_w.size();
    state.electric_w.push_back(static_cast<float>(
        share * static_cast<double>(stock.lighting_w[b] + stock.equipment_w[b])));
  }
  render::Camera camera;
  camera.center_x_m = j.x - f.scene.origin.x;
  camera.center_y_m = j.y - f.scene.origin.y;
  camera.metres_per_pixel = 0.35;
  camera.pitch_deg = 35.0;
  camera.heading_deg = 40.0;
  const render::VulkanContext& vk = lavapipe();
  render::OffscreenRenderer renderer(vk, 320, 240);
  const auto draw = [&](double sun_elevation_deg, bool lights) {
    render::SceneView scene = f.scene;
    render::update_buildings(stock, state, sun_elevation_deg,
                             render::BuildingColouring::temperature, scene);
    if (lights) {
      render::add_vehicle_lights(scene);
    } else {
      for (render::SolidVertex& v : scene.buildings) v.window_light = 0.0f;
    }
    return renderer.render(scene, camera);  // a copy: the renderer's image is reused
  };
  const render::RgbaImage day = draw(40.0, true), day_plain = draw(40.0, false);
  const render::RgbaImage night = draw(-20.0, true), night_plain = draw(-20.0, false);
  // By day the lights add nothing.
  CHECK(differing_pixels(day, day_plain, 0) == 0);
  // After dark they add light, and only their light: every pixel they change moves toward
  // one of their colours (a blend of it over what was there): windows (solid.frag, about
  // 3000 K), headlights or tail lights (render/vehicle_lights.cpp). A few pixels at edges
  // blend two of them.
  constexpr std::array<std::array<int, 3>, 3> kLights{
      {{255, 214, 161}, {255, 236, 170}, {235, 30, 25}}};
  std::size_t changed = 0, toward_a_light = 0;
  for (std::size_t i = 0; i < night.pixels.size(); i += 4) {
    const std::array<int, 3> now{night.pixels[i], night.pixels[i + 1], night.pixels[i + 2]};
    const std::array<int, 3> was{night_plain.pixels[i], night_plain.pixels[i + 1],
                                 night_plain.pixels[i + 2]};
    if (now == was) continue;
    ++changed;
    const bool toward = std::any_of(kLights.begin(), kLights.end(), [&](const auto& light) {
      for (std::size_t c = 0; c < 3; ++c) {
        const int moved = now[c] - was[c];
        if (std::abs(moved) > 2 && (moved > 0) != (light[c] > was[c])) return false;
      }
      return true;
    });
    toward_a_light += toward ? 1 : 0;
  }
  INFO(changed << " pixels changed by the lights, " << toward_a_light << " toward a light");
  CHECK(changed > night.pixels.size() / 4 / 100);  // more than 1% of the frame
  CHECK(toward_a_light >= changed * 98 / 100);
  // The night is darker than the day, and the lit night frame is pinned by a golden image.
  const auto mean_level = [](const render::RgbaImage& im) {
    double sum = 0.0;
    for (std::size_t i = 0; i < im.pixels.size(); i += 4) {
      sum += im.pixels[i] + im.pixels[i + 1] + im.pixels[i + 2];
    }
    return sum / static_cast<double>(im.pixels.size() / 4);
  };
  CHECK(mean_level(night) < 0.6 * mean_level(day));
  check_golden(night, "grid2x2_t480_night.png");
  check_golden(day, "grid2x2_t480_day_buildings.png");
}

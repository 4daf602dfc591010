// bench_render: frame time of the offscreen renderer with 1k, 10k and 100k vehicles on a
// generated 30x30 signalised grid (the network of bench_traffic's largest case), one CSV line
// per case:
//   device,cpu_device,vehicles,width,height,msaa,frames,scene_ms,draw_ms,fps,readback_ms
// scene_ms: filling the SceneView from the traffic state (CPU); draw_ms: drawing and waiting
// for the device, median over the frames; fps = 1000 / (scene_ms + draw_ms); readback_ms: a
// frame read back into memory (what `parktwin render` adds). Targets (issue 7): >= 10 fps with
// 10k vehicles on lavapipe, >= 60 fps with 100k on a GPU.
//
// With --scenario MANIFEST --time T: the scenario's own frames instead (the SIP district of
// issue 21: buildings, land cover, lights after dark), simulated up to T and then one step a
// frame, from above and in 3D at two cameras, one line each (vehicles: those in the network).
//
// usage: bench_render [--device auto|cpu|gpu] [--size WxH] [--msaa 4|1] [--frames N]
//                     [--vehicles N,...] [--scenario MANIFEST --time T]

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench_cli.h"
#include "engine/rng.h"
#include "render/building_scene.h"
#include "render/camera.h"
#include "render/ground_cover.h"
#include "render/offscreen_renderer.h"
#include "render/scene_builder.h"
#include "render/vehicle_lights.h"
#include "render/vulkan/context.h"
#include "scenarios/cityflow/grid_generator.h"
#include "scenarios/json_file.h"
#include "scenarios/land_cover_geojson.h"
#include "scenarios/manifest.h"
#include "scenarios/replay.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"
#include "sim/buildings/buildings_sim.h"
#include "sim/world.h"

using namespace parktwin;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void print_header() {
  std::printf(
      "device,cpu_device,vehicles,width,height,msaa,frames,scene_ms,draw_ms,fps,readback_ms\n");
}

// `frames` frames: before each, prepare(f) moves the world on (not timed), fill() fills the
// scene (timed as scene_ms); then it is drawn (draw_ms). One CSV line with the medians (the
// first frame warms up and is left out) and a frame read back.
template <class Prepare, class Fill>
void time_case(const render::VulkanContext& vk, render::OffscreenRenderer& renderer,
               render::SceneView& scene, const render::Camera& camera, int width, int height,
               int frames, const std::size_t& vehicles, Prepare prepare, Fill fill) {
  std::vector<double> scene_ms, draw_ms;
  for (int f = 0; f < frames; ++f) {
    prepare(f);
    const auto t0 = Clock::now();
    fill(f);
    const double s = ms_since(t0);
    const auto t1 = Clock::now();
    renderer.draw(scene, camera);
    const double d = ms_since(t1);
    if (f > 0) scene_ms.push_back(s), draw_ms.push_back(d);
  }
  const auto t2 = Clock::now();
  (void)renderer.render(scene, camera);
  const double readback = ms_since(t2);
  const double s = median(scene_ms), d = median(draw_ms);
  std::printf("\"%s\",%d,%zu,%d,%d,%d,%zu,%.2f,%.2f,%.1f,%.2f\n", vk.device_name().c_str(),
              vk.is_cpu_device() ? 1 : 0, vehicles, width, height, renderer.samples(),
              draw_ms.size(), s, d, 1000.0 / (s + d), readback);
  std::fflush(stdout);
}

// A scenario's own frames at `time_s` and the steps after it, from above and in 3D.
int bench_scenario(const std::string& manifest, double time_s, const render::VulkanContext& vk,
                   render::OffscreenRenderer& renderer, int width, int height, int frames) {
  const scenarios::RunMeta meta = scenarios::run_meta_of(scenarios::load_manifest(manifest));
  const traffic::Network net = scenarios::load_network(meta.network_path);
  const traffic::Demand demand = scenarios::load_run_demand(meta, net);
  const std::unique_ptr<World> world = scenarios::make_world(meta, net, demand);
  while (world->time_s() < time_s) world->step();
  render::SceneView scene = render::scene_of(net);
  if (!meta.land_cover_path.empty()) {
    std::vector<render::GroundPatch> patches;
    for (scenarios::LandPolygon& p : scenarios::load_land_cover(meta.land_cover_path)) {
      patches.push_back({p.cover == scenarios::Cover::water ? render::GroundCover::water
                                                            : render::GroundCover::park,
                         std::move(p.outline)});
    }
    render::add_ground_cover(patches, scene);
  }
  const buildings::BuildingsSim* b = world->buildings();
  if (b != nullptr) render::add_buildings(b->stock(), scene);
  scenarios::TrafficSample sample(net, demand.trip_count());
  render::Camera oblique = render::fit_camera(scene, width, height);
  oblique.metres_per_pixel *= 0.35;
  oblique.pitch_deg = 35.0;
  oblique.heading_deg = 30.0;
  print_header();
  std::size_t vehicles = 0;
  for (const render::Camera& camera : {render::fit_camera(scene, width, height), oblique}) {
    time_case(
        vk, renderer, scene, camera, width, height, frames, vehicles, [&](int) { world->step(); },
        [&](int) {
          sample.take(world->traffic());
          const std::size_t n = sample.vehicles_in_network;
          vehicles = n;
          render::TrafficFrame tf{world->time_s(),
                                  std::span(sample.vehicle).first(n),
                                  std::span(sample.segment).first(n),
                                  std::span(sample.pos_m).first(n),
                                  std::span(sample.speed_mps).first(n),
                                  sample.signal_phase};
          render::update_scene(net, &demand, tf, render::LaneColouring::speed, scene);
          if (b != nullptr) {
            render::update_buildings(b->stock(), b->state(), b->state().sun_elevation_deg,
                                     render::BuildingColouring::temperature, scene);
          }
          render::add_vehicle_lights(scene);
        });
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string device = "auto", size = "1920x1080";
  int frames = 20, msaa = 4;
  std::vector<std::size_t> counts{1000, 10000, 100000};
  CLI::App app{"Frame time of the offscreen renderer with 1k, 10k and 100k vehicles.",
               "bench_render"};
  app.add_option("--device", device, "Vulkan device")->check(CLI::IsMember({"auto", "cpu", "gpu"}));
  app.add_option("--size", size, "image WIDTHxHEIGHT")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            int w = 0, h = 0;
            char x = 0, rest = 0;
            const bool ok = std::sscanf(text.c_str(), "%d%c%d%c", &w, &x, &h, &rest) == 3 &&
                            x == 'x' && w >= 16 && h >= 16 && w <= 8192 && h <= 8192;
            return ok ? "" : "expected WIDTHxHEIGHT, 16..8192 pixels a side, found " + text;
          },
          "WxH"));
  app.add_option("--msaa", msaa, "samples per pixel")->check(CLI::IsMember({1, 4}));
  app.add_option("--frames", frames, "frames per case (the median counts)")
      ->check(CLI::Range(3, 100000));
  app.add_option("--vehicles", counts, "vehicle counts, comma-separated")
      ->delimiter(',')
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  std::string scenario;
  double time_s = 0.0;
  app.add_option("--scenario", scenario,
                 "a scenario manifest: its own frames (buildings, land cover, lights) instead")
      ->check(CLI::ExistingFile);
  app.add_option("--time", time_s, "--scenario: simulated time of the first frame, s")
      ->check(CLI::Range(0.0, 1e7));
  if (const int status = bench::parse_command_line(app, argc, argv); status >= 0) return status;
  return bench::run_reporting_errors("bench_render", [&]() -> int {
    int width = 0, height = 0;
    std::sscanf(size.c_str(), "%dx%d", &width, &height);
    if (!scenario.empty()) {
      render::ContextOptions options;
      options.prefer_cpu = device == "cpu";
      const render::VulkanContext vk(options);
      render::OffscreenRenderer renderer(vk, width, height, msaa);
      return bench_scenario(scenario, time_s, vk, renderer, width, height, frames);
    }
    // The network: 30x30 signalised grid, written to a temp folder and loaded as a user's would be.
    scenarios::GridSpec spec;
    spec.rows = 30;
    spec.cols = 30;
    const std::string dir = "/tmp/parktwin_bench_render";
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/roadnet.json") << scenarios::grid_roadnet(spec).dump();
    const traffic::Network net = scenarios::load_network(dir + "/roadnet.json");

    render::ContextOptions options;
    options.prefer_cpu = device == "cpu";
    const render::VulkanContext vk(options);
    if (device == "gpu" && vk.is_cpu_device()) {
      std::fprintf(stderr, "bench_render: no GPU found (%s)\n", vk.device_name().c_str());
      return 1;
    }
    render::OffscreenRenderer renderer(vk, width, height, msaa);
    print_header();
    for (const std::size_t n : counts) {
      // Vehicles spread over the lanes at random, moving between frames.
      std::vector<std::uint32_t> vehicle(n), segment(n);
      std::vector<float> pos(n), speed(n);
      std::vector<std::uint32_t> phases(net.signal_count(), 0);
      render::SceneView scene = render::scene_of(net);
      const render::Camera camera = render::fit_camera(scene, width, height);
      time_case(
          vk, renderer, scene, camera, width, height, frames, n,
          [&](int f) {
            for (std::uint32_t i = 0; i < n; ++i) {
              const auto lane =
                  static_cast<std::uint32_t>(rng::uniform_int(1, 1u, i, 0, net.lane_count()));
              vehicle[i] = i;
              segment[i] = lane;
              pos[i] = static_cast<float>(
                  std::fmod(rng::uniform(1, 2u, i, 0) * net.seg_length_m[lane] + 10.0 * f,
                            net.seg_length_m[lane]));
              speed[i] = static_cast<float>(rng::uniform(1, 3u, i, 0) * 15.0);
            }
            for (std::size_t g = 0; g < phases.size(); ++g)
              phases[g] = static_cast<std::uint32_t>(f / 5 % 8);
          },
          [&](int f) {
            render::TrafficFrame tf{static_cast<double>(f), vehicle, segment, pos, speed, phases};
            render::update_scene(net, nullptr, tf, render::LaneColouring::speed, scene);
          });
    }
    return 0;
  });
}

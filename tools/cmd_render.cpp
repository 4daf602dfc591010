// parktwin render: one frame of a scenario (simulated up to the time asked) or of a recorded
// run (replayed), drawn offscreen with Vulkan and written as PNG; no window, no display.
// Uses a GPU when there is one, lavapipe (Mesa's CPU Vulkan) otherwise.

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>

#include "engine/clock.h"
#include "engine/error.h"
#include "render/offscreen_renderer.h"
#include "render/png_io.h"
#include "render/scene_builder.h"
#include "render/vulkan/context.h"
#include "scenarios/manifest.h"
#include "scenarios/replay.h"
#include "scenarios/run_file.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"
#include "tools/command.h"

namespace parktwin::cli {

namespace {

struct RenderOptions {
  std::string source;  // scenario manifest or run file
  double time_s = 0.0;
  std::string out;
  std::string size = "1280x720";
  std::string camera;  // "X,Y,MPP": centre in network metres and metres per pixel
  std::string colour = "speed";
  std::string device = "auto";
  bool force = false;
};

bool is_hdf5(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == 8 && std::string(magic, 8) == "\x89HDF\r\n\x1a\n";
}

std::pair<int, int> parse_size(const std::string& text) {
  int w = 0, h = 0;
  char x = 0, rest = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &w, &x, &h, &rest) != 3 || x != 'x') {
    throw Error("bad image size")
        .field("--size")
        .expected("WIDTHxHEIGHT, e.g. 1280x720")
        .found(text);
  }
  return {w, h};
}

render::Camera parse_camera(const std::string& text, const render::SceneView& scene) {
  double x = 0, y = 0, mpp = 0;
  char rest = 0;
  if (std::sscanf(text.c_str(), "%lf,%lf,%lf%c", &x, &y, &mpp, &rest) != 3 || !(mpp > 0.0) ||
      !std::isfinite(x) || !std::isfinite(y) || !std::isfinite(mpp)) {
    throw Error("bad camera")
        .field("--camera")
        .expected("X,Y,METRES_PER_PIXEL (centre in the network's metres, scale > 0)")
        .found(text);
  }
  return {x - scene.origin.x, y - scene.origin.y, mpp};
}

// The state at `time_s` of the scenario, simulated, or of the run file, replayed.
struct Moment {
  traffic::Network net;
  traffic::Demand demand;
  scenarios::TrafficSample sample{traffic::Network{}};
  double time_s = 0.0;
};

std::unique_ptr<Moment> simulate(const std::string& manifest, double time_s) {
  auto m = std::make_unique<Moment>();
  const scenarios::RunMeta meta = scenarios::run_meta_of(scenarios::load_manifest(manifest));
  if (!(time_s >= 0.0) || time_s > meta.duration_s) {
    throw Error("time outside the scenario")
        .field("--time")
        .expected(fmt::format("0..{} s", meta.duration_s))
        .found(fmt::format("{} s", time_s));
  }
  m->net = scenarios::load_network(meta.network_path);
  m->demand = scenarios::load_run_demand(meta, m->net);
  const auto world = scenarios::make_world(meta, m->net, m->demand);
  const std::int64_t steps = std::llround(time_s / meta.step_s);
  for (std::int64_t i = 0; i < steps; ++i) world->step();
  m->sample = scenarios::TrafficSample(m->net, m->demand.trip_count());
  m->sample.take(world->traffic());
  m->time_s = world->time_s();
  return m;
}

std::unique_ptr<Moment> replay(const std::string& run_file, double time_s) {
  auto m = std::make_unique<Moment>();
  scenarios::ReplayReader reader(run_file);
  const scenarios::Snapshot snap = reader.at(time_s);
  m->net = reader.network();
  m->demand = scenarios::load_run_demand(reader.meta(), m->net);
  m->sample = scenarios::TrafficSample(m->net, snap.vehicles.size());
  m->sample.vehicles_in_network = static_cast<std::uint32_t>(snap.vehicles.size());
  for (std::size_t i = 0; i < snap.vehicles.size(); ++i) {
    m->sample.vehicle[i] = snap.vehicles[i].vehicle;
    m->sample.segment[i] = snap.vehicles[i].segment;
    m->sample.pos_m[i] = snap.vehicles[i].pos_m;
    m->sample.speed_mps[i] = snap.vehicles[i].speed_mps;
  }
  m->sample.signal_phase = snap.signal_phase;
  m->time_s = snap.time_s;
  return m;
}

int render_frame(const RenderOptions& o, const CommandContext& ctx) {
  const auto [width, height] = parse_size(o.size);
  if (std::filesystem::exists(o.out) && !o.force) {
    throw Error("output file exists").in_file(o.out).expected("another --out, or --force");
  }
  const auto t0 = std::chrono::steady_clock::now();
  const std::unique_ptr<Moment> m =
      is_hdf5(o.source) ? replay(o.source, o.time_s) : simulate(o.source, o.time_s);
  render::SceneView scene = render::scene_of(m->net);
  const std::size_t n = m->sample.vehicles_in_network;
  render::TrafficFrame frame;
  frame.time_s = m->time_s;
  frame.vehicle = std::span(m->sample.vehicle).first(n);
  frame.segment = std::span(m->sample.segment).first(n);
  frame.pos_m = std::span(m->sample.pos_m).first(n);
  frame.speed_mps = std::span(m->sample.speed_mps).first(n);
  frame.signal_phase = m->sample.signal_phase;
  render::update_scene(
      m->net, &m->demand, frame,
      o.colour == "density" ? render::LaneColouring::density : render::LaneColouring::speed, scene);
  const auto t1 = std::chrono::steady_clock::now();

  render::ContextOptions options;
  options.prefer_cpu = o.device == "cpu";
  options.validation = std::getenv("PARKTWIN_VULKAN_VALIDATION") != nullptr;
  const render::VulkanContext vk(options);
  if (o.device == "gpu" && vk.is_cpu_device()) {
    throw Error("no GPU with Vulkan found").field("--device").found(vk.device_name());
  }
  render::OffscreenRenderer renderer(vk, width, height);
  const render::Camera camera =
      o.camera.empty() ? render::fit_camera(scene, width, height) : parse_camera(o.camera, scene);
  const auto t2 = std::chrono::steady_clock::now();
  const render::RgbaImage& image = renderer.render(scene, camera);
  const auto t3 = std::chrono::steady_clock::now();
  // Beside the target, then renamed: a failed write never leaves half a picture.
  const std::string tmp = o.out + ".tmp.png";
  render::write_png(tmp, image);
  std::filesystem::rename(tmp, o.out);
  const auto ms = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count() * 1e3; };
  ctx.err << fmt::format(
      "{}: {}x{} at t = {:.0f} s, {} vehicles; {} ({}x MSAA); state {:.0f} ms, Vulkan set-up "
      "{:.0f} ms, frame {:.1f} ms\n",
      o.out, width, height, m->time_s, n, vk.device_name(), renderer.samples(), ms(t0, t1),
      ms(t1, t2), ms(t2, t3));
  if (vk.validation_enabled() && vk.validation_messages() > 0) {
    ctx.err << fmt::format("Vulkan validation: {} messages; first: {}\n", vk.validation_messages(),
                           vk.first_validation_message());
    return exit_code::failure;
  }
  return exit_code::ok;
}

}  // namespace

CommandRun configure_render(CLI::App& sub) {
  auto o = std::make_shared<RenderOptions>();
  sub.add_option("source", o->source,
                 "Scenario manifest (simulated up to --time) or run file (replayed at --time)")
      ->required()
      ->check(CLI::ExistingFile);
  sub.add_option("--time", o->time_s, "Simulated time of the frame, s (default 0)")
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--out", o->out, "PNG file to write")->required();
  sub.add_option("--size", o->size, "Image size WIDTHxHEIGHT")->default_str("1280x720");
  sub.add_option("--camera", o->camera,
                 "X,Y,METRES_PER_PIXEL: image centre in the network's coordinates and scale "
                 "(default: the whole network)");
  sub.add_option("--colour", o->colour, "Lane colours: speed (over the limit) or density")
      ->check(CLI::IsMember({"speed", "density"}))
      ->default_str("speed");
  sub.add_option("--device", o->device,
                 "auto (a GPU if there is one, else lavapipe), cpu (lavapipe) or gpu")
      ->check(CLI::IsMember({"auto", "cpu", "gpu"}))
      ->default_str("auto");
  sub.add_flag("--force", o->force, "Overwrite --out if it exists");
  sub.footer(
      "Example: parktwin render assets/scenarios/hangzhou_4x4/scenario.toml --time 900 "
      "--out frame.png\nSet PARKTWIN_VULKAN_VALIDATION=1 to run with the Khronos validation "
      "layer (exit 1 on any message).\n");
  return [o](const CommandContext& ctx) { return render_frame(*o, ctx); };
}

}  // namespace parktwin::cli

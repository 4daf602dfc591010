// parktwin render: one frame of a scenario (simulated up to the time asked) or of a recorded
// run (replayed), drawn offscreen with Vulkan and written as PNG; no window, no display.
// Uses a GPU when there is one, lavapipe (Mesa's CPU Vulkan) otherwise.

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <ostream>

#include "engine/error.h"
#include "render/building_scene.h"
#include "render/camera.h"
#include "render/ground_cover.h"
#include "render/offscreen_renderer.h"
#include "render/png_io.h"
#include "render/scene_builder.h"
#include "render/vulkan/context.h"
#include "tools/camera_control.h"
#include "tools/cli_checks.h"
#include "tools/command.h"
#include "tools/image_size.h"
#include "tools/traffic_source.h"

namespace parktwin::cli {

namespace {

struct RenderOptions {
  std::string source;  // scenario manifest or run file
  double time_s = 0.0;
  std::string out;
  std::string size = "1280x720";
  std::string camera;  // "X,Y,MPP": centre in network metres and metres per pixel
  std::string colour = "speed";
  std::string buildings = "temperature";
  std::string device = "auto";
  bool force = false;
};

int render_frame(const RenderOptions& o, const CommandContext& ctx) {
  // Checked before the simulation runs up to --time, not after.
  const auto [width, height] =
      parse_image_size(o.size, render::OffscreenRenderer::kMinSide,
                       render::OffscreenRenderer::kMinSide, render::OffscreenRenderer::kMaxSide);
  check_output_file(o.out, "--out", o.force);
  const auto t0 = std::chrono::steady_clock::now();
  TrafficSource source(o.source);
  if (o.time_s > source.meta().duration_s) {
    throw Error("time outside the run")
        .field("--time")
        .expected(fmt::format("0..{} s", source.meta().duration_s))
        .found(fmt::format("{} s", o.time_s));
  }
  source.seek(o.time_s);
  render::SceneView scene = render::scene_of(source.network());
  render::add_ground_cover(source.ground_cover(), scene);
  render::update_scene(
      source.network(), &source.demand(), source.frame(),
      o.colour == "density" ? render::LaneColouring::density : render::LaneColouring::speed, scene);
  if (const buildings::BuildingStock* stock = source.building_stock()) {
    const buildings::BuildingsState& state = *source.buildings_state();
    render::add_buildings(*stock, scene);
    render::update_buildings(*stock, state, state.sun_elevation_deg,
                             o.buildings == "load" ? render::BuildingColouring::load
                             : o.buildings == "pv" ? render::BuildingColouring::pv
                                                   : render::BuildingColouring::temperature,
                             scene);
  }
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
  std::error_code ec;
  try {
    render::write_png(tmp, image);
  } catch (...) {
    std::filesystem::remove(tmp, ec);
    throw;
  }
  std::filesystem::rename(tmp, o.out, ec);
  if (ec) {
    const std::string why = ec.message();
    std::filesystem::remove(tmp, ec);
    throw Error("cannot write PNG").in_file(o.out).field("--out").found(why);
  }
  const auto ms = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count() * 1e3; };
  ctx.err << fmt::format(
      "{}: {}x{} at t = {:.0f} s, {} vehicles; {} ({}x MSAA); state {:.0f} ms, Vulkan set-up "
      "{:.0f} ms, frame {:.1f} ms\n",
      o.out, width, height, source.frame().time_s, source.vehicles(), vk.device_name(),
      renderer.samples(), ms(t0, t1), ms(t1, t2), ms(t2, t3));
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
      ->check(finite_non_negative());
  sub.add_option("--out", o->out, "PNG file to write")->required()->check(non_empty_path());
  sub.add_option("--size", o->size, "Image size WIDTHxHEIGHT")->default_str("1280x720");
  sub.add_option("--camera", o->camera,
                 "X,Y,METRES_PER_PIXEL[,PITCH[,HEADING]]: the point at the image centre in "
                 "the network's coordinates, the scale there, degrees below the horizon (90: "
                 "straight down, the default) and the compass direction faced (0: north) "
                 "(default: the whole network from above)");
  sub.add_option("--colour", o->colour, "Lane colours: speed (over the limit) or density")
      ->check(CLI::IsMember({"speed", "density"}))
      ->default_str("speed");
  sub.add_option("--buildings", o->buildings,
                 "Building colours: temperature (indoor air), load (electricity per m2) or pv "
                 "(rooftop PV output per m2 of roof)")
      ->check(CLI::IsMember({"temperature", "load", "pv"}))
      ->default_str("temperature");
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

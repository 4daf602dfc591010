// parktwin render: one frame of a scenario (simulated up to the time asked) or of a recorded
// run (replayed), drawn offscreen with Vulkan and written as PNG, or a stretch of it as an MP4
// video (frames piped to ffmpeg); no window, no display. Uses a GPU when there is one,
// lavapipe (Mesa's CPU Vulkan) otherwise.

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <ostream>

#include "engine/error.h"
#include "render/building_scene.h"
#include "render/camera.h"
#include "render/ground_cover.h"
#include "render/offscreen_renderer.h"
#include "render/png_io.h"
#include "render/scene_builder.h"
#include "render/vehicle_lights.h"
#include "render/vulkan/context.h"
#include "tools/camera_control.h"
#include "tools/camera_keyframes.h"
#include "tools/cli_checks.h"
#include "tools/command.h"
#include "tools/format_duration.h"
#include "tools/image_size.h"
#include "tools/traffic_source.h"
#include "tools/video_encoder.h"

namespace parktwin::cli {

namespace {

struct RenderOptions {
  std::string source;  // scenario manifest or run file
  double time_s = 0.0;
  std::string out;
  // --video: frames from --from to --to (s), `speed` simulated seconds per second of video.
  std::string video;
  double from_s = 0.0;
  std::optional<double> to_s;
  double fps = 30.0;
  double speed = 60.0;
  std::string camera_path;  // "tour" or a keyframe CSV; empty: --camera, or the whole network
  std::string size = "1280x720";
  std::string camera;  // "X,Y,MPP": centre in network metres and metres per pixel
  std::string colour = "speed";
  std::string buildings = "temperature";
  std::string device = "auto";
  bool force = false;
};

// The picture's parts that never change: ground, land cover, roads, buildings.
render::SceneView fixed_scene(const TrafficSource& source) {
  render::SceneView scene = render::scene_of(source.network());
  render::add_ground_cover(source.ground_cover(), scene);
  if (const buildings::BuildingStock* stock = source.building_stock()) {
    render::add_buildings(*stock, scene);
  }
  return scene;
}

// The moment now: lane colours, vehicles, signals and the buildings' colours.
void update_moment(const TrafficSource& source, const RenderOptions& o, render::SceneView& scene) {
  render::update_scene(
      source.network(), &source.demand(), source.frame(),
      o.colour == "density" ? render::LaneColouring::density : render::LaneColouring::speed, scene);
  if (const buildings::BuildingStock* stock = source.building_stock()) {
    const buildings::BuildingsState& state = *source.buildings_state();
    render::update_buildings(*stock, state, state.sun_elevation_deg,
                             o.buildings == "load" ? render::BuildingColouring::load
                             : o.buildings == "pv" ? render::BuildingColouring::pv
                                                   : render::BuildingColouring::temperature,
                             scene);
  }
  render::add_vehicle_lights(scene);  // after dark, by the daylight update_buildings set
}

std::unique_ptr<render::VulkanContext> open_vulkan(const RenderOptions& o) {
  render::ContextOptions options;
  options.prefer_cpu = o.device == "cpu";
  options.validation = std::getenv("PARKTWIN_VULKAN_VALIDATION") != nullptr;
  auto vk = std::make_unique<render::VulkanContext>(options);
  if (o.device == "gpu" && vk->is_cpu_device()) {
    throw Error("no GPU with Vulkan found").field("--device").found(vk->device_name());
  }
  return vk;
}

// Exit 1 when the validation layer (PARKTWIN_VULKAN_VALIDATION) said anything.
int validation_verdict(const render::VulkanContext& vk, const CommandContext& ctx) {
  if (vk.validation_enabled() && vk.validation_messages() > 0) {
    ctx.err << fmt::format("Vulkan validation: {} messages; first: {}\n", vk.validation_messages(),
                           vk.first_validation_message());
    return exit_code::failure;
  }
  return exit_code::ok;
}

double seconds_between(std::chrono::steady_clock::time_point a,
                       std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

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
  render::SceneView scene = fixed_scene(source);
  update_moment(source, o, scene);
  const auto t1 = std::chrono::steady_clock::now();

  const std::unique_ptr<render::VulkanContext> vk = open_vulkan(o);
  render::OffscreenRenderer renderer(*vk, width, height);
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
  ctx.err << fmt::format(
      "{}: {}x{} at t = {:.0f} s, {} vehicles; {} ({}x MSAA); state {:.0f} ms, Vulkan set-up "
      "{:.0f} ms, frame {:.1f} ms\n",
      o.out, width, height, source.frame().time_s, source.vehicles(), vk->device_name(),
      renderer.samples(), seconds_between(t0, t1) * 1e3, seconds_between(t1, t2) * 1e3,
      seconds_between(t2, t3) * 1e3);
  return validation_verdict(*vk, ctx);
}

// The camera over the video's time: a fixed one (--camera, or the whole network from above),
// the demo tour, or keyframes from a file.
class VideoCamera {
 public:
  VideoCamera(const RenderOptions& o, const TrafficSource& source, const render::SceneView& scene,
              int width, int height)
      : fixed_(o.camera.empty() ? render::fit_camera(scene, width, height)
                                : parse_camera(o.camera, scene)) {
    if (o.camera_path == "tour") {
      tour_.emplace(source.network(), scene, width, height);
    } else if (!o.camera_path.empty()) {
      keys_.emplace(CameraKeyframes::read_csv(o.camera_path, scene));
    }
  }
  render::Camera at(double video_s) const {
    return tour_ ? tour_->at(video_s) : keys_ ? keys_->at(video_s) : fixed_;
  }

 private:
  render::Camera fixed_;
  std::optional<DemoTour> tour_;
  std::optional<CameraKeyframes> keys_;
};

int render_video(const RenderOptions& o, const CommandContext& ctx) {
  // Every option is checked before the simulation starts or ffmpeg is run.
  const auto [width, height] =
      parse_image_size(o.size, render::OffscreenRenderer::kMinSide,
                       render::OffscreenRenderer::kMinSide, render::OffscreenRenderer::kMaxSide);
  VideoEncoder::check_size(width, height);
  check_output_file(o.video, "--video", o.force);
  TrafficSource source(o.source);
  const double duration_s = source.meta().duration_s;
  const double to_s = o.to_s.value_or(duration_s);
  if (o.from_s > duration_s) {
    throw Error("time outside the run")
        .field("--from")
        .expected(fmt::format("0..{} s", duration_s))
        .found(fmt::format("{} s", o.from_s));
  }
  if (!(to_s > o.from_s && to_s <= duration_s)) {
    throw Error("time outside the run")
        .field("--to")
        .expected(
            fmt::format("after --from ({} s), at most the run's end ({} s)", o.from_s, duration_s))
        .found(fmt::format("{} s", to_s));
  }
  // Frame k shows simulated time from + k * speed / fps: the stretch at `speed` x real time.
  constexpr double kMaxFrames = 216000;  // two hours of video at 30 frames per second
  const double span_frames = std::floor((to_s - o.from_s) * o.fps / o.speed + 1e-9) + 1.0;
  if (span_frames > kMaxFrames) {
    throw Error("video too long")
        .field("--speed")
        .expected(fmt::format("at most {:.0f} frames: a higher --speed, a lower --fps or a "
                              "shorter --from/--to",
                              kMaxFrames))
        .found(fmt::format("{:.0f} frames ({:.0f} s at {} frames/s)", span_frames,
                           span_frames / o.fps, o.fps));
  }
  const auto frames = static_cast<std::int64_t>(span_frames);
  render::SceneView scene = fixed_scene(source);
  const VideoCamera camera(o, source, scene, width, height);
  const std::unique_ptr<render::VulkanContext> vk = open_vulkan(o);
  render::OffscreenRenderer renderer(*vk, width, height);
  VideoEncoder video(o.video, width, height, o.fps);

  const bool tty = isatty(fileno(stderr)) != 0;
  const auto start = std::chrono::steady_clock::now();
  auto last_report = start;
  double render_s = 0.0;
  for (std::int64_t k = 0; k < frames; ++k) {
    const double video_s = static_cast<double>(k) / o.fps;
    source.seek(std::min(to_s, o.from_s + video_s * o.speed));
    update_moment(source, o, scene);
    const auto r0 = std::chrono::steady_clock::now();
    const render::RgbaImage& image = renderer.render(scene, camera.at(video_s));
    render_s += seconds_between(r0, std::chrono::steady_clock::now());
    video.add_frame(image);
    const auto now = std::chrono::steady_clock::now();
    const bool last = k + 1 == frames;
    if (last || now - last_report > std::chrono::seconds(tty ? 1 : 10)) {
      last_report = now;
      const double rate = static_cast<double>(k + 1) / seconds_between(start, now);
      ctx.err << fmt::format("{}{}: frame {:>6}/{}  t = {:>7.0f} s  {:>5.1f} frames/s  ETA {}{}",
                             tty ? "\r" : "", o.video, k + 1, frames, source.frame().time_s, rate,
                             format_duration(static_cast<double>(frames - k - 1) / rate),
                             tty && !last ? "" : "\n");
      ctx.err.flush();
    }
  }
  video.finish();
  const double wall_s = seconds_between(start, std::chrono::steady_clock::now());
  ctx.err << fmt::format(
      "{}: {} frames of {}x{} at {} frames/s ({:.1f} s of video, t = {:.0f}..{:.0f} s at {}x); "
      "{} ({}x MSAA); {:.1f} s, {:.1f} ms a frame drawing\n",
      o.video, frames, width, height, o.fps, static_cast<double>(frames) / o.fps, o.from_s,
      source.frame().time_s, o.speed, vk->device_name(), renderer.samples(), wall_s,
      render_s / static_cast<double>(frames) * 1e3);
  return validation_verdict(*vk, ctx);
}

}  // namespace

CommandRun configure_render(CLI::App& sub) {
  auto o = std::make_shared<RenderOptions>();
  sub.add_option("source", o->source,
                 "Scenario manifest (simulated up to --time) or run file (replayed at --time)")
      ->required()
      ->check(CLI::ExistingFile);
  auto* time = sub.add_option("--time", o->time_s, "Simulated time of the frame, s (default 0)")
                   ->check(finite_non_negative());
  auto* out = sub.add_option("--out", o->out, "PNG file to write (a picture; or --video)")
                  ->check(non_empty_path());
  auto* video =
      sub.add_option("--video", o->video,
                     "MP4 file to write (H.264, through ffmpeg): the run from --from to --to")
          ->check(non_empty_path());
  out->excludes(video);
  time->excludes(video);
  auto* from = sub.add_option("--from", o->from_s, "--video: first simulated time, s (default 0)")
                   ->check(finite_non_negative());
  auto* to = sub.add_option("--to", o->to_s,
                            "--video: last simulated time, s (default: the end of the run)")
                 ->check(finite_non_negative());
  auto* fps = sub.add_option("--fps", o->fps, "--video: frames per second of video (default 30)")
                  ->check(finite_range(1.0, 240.0));
  auto* speed =
      sub.add_option("--speed", o->speed,
                     "--video: simulated seconds per second of video (default 60: an hour "
                     "in a minute)")
          ->check(finite_range(0.01, 100000.0));
  auto* path = sub.add_option(
      "--camera-path", o->camera_path,
      "--video: the camera's moves: tour (the demo tour of parktwin view --demo) or a CSV of "
      "keyframes video_s,x,y,metres_per_pixel,pitch_deg,heading_deg (docs/rendering.md); "
      "default: --camera held still");
  for (CLI::Option* opt : {from, to, fps, speed, path}) opt->needs(video);
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
      "Examples: parktwin render assets/scenarios/hangzhou_4x4/scenario.toml --time 900 "
      "--out frame.png\n          parktwin render run.h5 --video run.mp4 --from 0 --to 3600 "
      "--speed 120 --camera-path tour\nSet PARKTWIN_VULKAN_VALIDATION=1 to run with the Khronos "
      "validation "
      "layer (exit 1 on any message).\n");
  return [o](const CommandContext& ctx) {
    if (o->out.empty() && o->video.empty()) {
      throw Error("nothing to write").field("--out").expected("--out FILE.png or --video FILE.mp4");
    }
    return o->video.empty() ? render_frame(*o, ctx) : render_video(*o, ctx);
  };
}

}  // namespace parktwin::cli

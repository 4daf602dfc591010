// parktwin view: the park alive in a window. A scenario runs live (play, pause, speed x1 to
// x1000, step); a run file replays (the same, plus scrubbing). Lanes coloured by speed or
// density, vehicles, signals; Dear ImGui panels for time, KPIs and events, and a legend.
// --demo tours the network with the camera and shows large captions, for forums.

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "engine/error.h"
#include "render/scene_builder.h"
#include "render/viewer_panels.h"
#include "render/viewer_window.h"
#include "sim/traffic/events.h"
#include "tools/command.h"
#include "tools/traffic_source.h"

namespace parktwin::cli {

namespace {

using Clock = std::chrono::steady_clock;

struct ViewOptions {
  std::string source;
  bool demo = false;
  std::optional<double> speed;
  double exit_after_s = 0.0;  // 0: run until the window is closed
  std::string size = "1280x720";
  std::string device = "auto";
};

// The local time of day at `time_s`, from the scenario's start ("2026-07-15T08:00:00").
std::string clock_text(const std::string& start, double time_s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(start.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6) return {};
  const auto total = static_cast<long long>(h * 3600 + mi * 60 + s + std::floor(time_s));
  const long long days = total / 86400, in_day = total % 86400;
  return fmt::format("{:04d}-{:02d}-{:02d}{} {:02d}:{:02d}:{:02d}", y, mo, d,
                     days > 0 ? fmt::format(" +{}d", days) : "", in_day / 3600, in_day / 60 % 60,
                     in_day % 60);
}

// The camera of the demo tour at wall time t: the whole network, then close-ups of a few
// signalised junctions, each held for a while, with eased moves between them.
class DemoTour {
 public:
  DemoTour(const traffic::Network& net, const render::SceneView& scene, int width, int height) {
    stops_.push_back(render::fit_camera(scene, width, height));
    const std::size_t G = net.signal_count();
    for (const double f : {0.3, 0.55, 0.8}) {
      if (G == 0) break;
      const auto g = static_cast<traffic::Index>(
          std::min(static_cast<double>(G - 1), f * static_cast<double>(G)));
      const geo::Vec2 p = net.junction_pos[net.signal_junction[g]];
      render::Camera c = stops_.front();
      c.center_x_m = p.x - scene.origin.x;
      c.center_y_m = p.y - scene.origin.y;
      c.metres_per_pixel = 0.35;
      stops_.push_back(c);
    }
  }
  render::Camera at(double t) const {
    const double leg = kHold_s + kMove_s;
    const auto n = stops_.size();
    const auto i = static_cast<std::size_t>(std::floor(t / leg)) % n;
    const double u = std::fmod(t, leg);
    if (u < kHold_s || n == 1) return stops_[i];
    const double e = 0.5 - 0.5 * std::cos(M_PI * (u - kHold_s) / kMove_s);  // ease in and out
    const render::Camera &a = stops_[i], &b = stops_[(i + 1) % n];
    render::Camera c = a;
    c.center_x_m = a.center_x_m + (b.center_x_m - a.center_x_m) * e;
    c.center_y_m = a.center_y_m + (b.center_y_m - a.center_y_m) * e;
    c.metres_per_pixel =
        std::exp(std::log(a.metres_per_pixel) * (1 - e) + std::log(b.metres_per_pixel) * e);
    return c;
  }

 private:
  static constexpr double kHold_s = 7.0, kMove_s = 3.0;
  std::vector<render::Camera> stops_;
};

int view(const ViewOptions& o, const CommandContext& ctx) {
  int width = 0, height = 0;
  char x = 0;
  if (std::sscanf(o.size.c_str(), "%d%c%d", &width, &x, &height) != 3 || x != 'x' || width < 320 ||
      height < 240) {
    throw Error("bad window size")
        .field("--size")
        .expected("WIDTHxHEIGHT, at least 320x240")
        .found(o.size);
  }
  TrafficSource source(o.source);
  const traffic::Network& net = source.network();
  render::SceneView scene = render::scene_of(net);
  render::WindowOptions wo;
  wo.width = width;
  wo.height = height;
  wo.title = "parktwin — " + source.meta().scenario;
  wo.validation = std::getenv("PARKTWIN_VULKAN_VALIDATION") != nullptr;
  wo.prefer_cpu = o.device == "cpu";
  render::ViewerWindow window(wo);
  if (o.device == "gpu" && window.device_name().find("llvmpipe") != std::string::npos) {
    throw Error("no GPU with Vulkan found").field("--device").found(window.device_name());
  }
  render::Camera camera = render::fit_camera(scene, window.width(), window.height());
  const DemoTour tour(net, scene, window.width(), window.height());

  render::ViewState state;
  state.scenario = source.meta().scenario;
  state.device = window.device_name();
  state.replay = source.is_replay();
  state.duration_s = source.meta().duration_s;
  state.speed = o.speed.value_or(o.demo ? 20.0 : 1.0);
  std::vector<std::string> events;
  if (const World* w = source.world()) {
    for (const traffic::TrafficEvent& e : w->events()) {
      events.push_back(fmt::format("t = {:>5.0f} s  {}",
                                   static_cast<double>(e.step) * source.meta().step_s,
                                   traffic::event_text(net, e)));
    }
  }
  state.events = events;
  std::vector<float> history;
  double next_history_s = 0.0;
  double target_s = source.time_s();
  const auto start = Clock::now();
  auto last = start;
  std::uint64_t frames = 0;
  double fps_window_s = 0.0;
  std::uint64_t fps_frames = 0;

  while (window.is_open()) {
    const render::WindowInput in = window.begin_frame();
    const auto now = Clock::now();
    const double dt = std::min(0.25, std::chrono::duration<double>(now - last).count());
    last = now;
    const double wall_s = std::chrono::duration<double>(now - start).count();
    if (o.exit_after_s > 0.0 && wall_s >= o.exit_after_s) window.close();
    fps_window_s += dt;
    ++fps_frames;
    if (fps_window_s >= 0.5) {
      state.fps = static_cast<double>(fps_frames) / fps_window_s;
      fps_window_s = 0.0;
      fps_frames = 0;
    }
    if (in.space_pressed) state.playing = !state.playing;
    if (state.playing) {
      target_s = std::min(target_s + state.speed * dt, state.duration_s);
      source.seek(target_s);
      if (target_s >= state.duration_s) state.playing = false;
    }

    // Camera: the tour in --demo, else the mouse (zoom about the cursor, drag to pan).
    if (o.demo) {
      camera = tour.at(wall_s);
    } else {
      if (in.fit_pressed) camera = render::fit_camera(scene, window.width(), window.height());
      const double mx = in.cursor_x_px - window.width() / 2.0;
      const double my = in.cursor_y_px - window.height() / 2.0;
      if (in.scroll != 0.0) {
        const double wx = camera.center_x_m + mx * camera.metres_per_pixel;
        const double wy = camera.center_y_m - my * camera.metres_per_pixel;
        camera.metres_per_pixel =
            std::clamp(camera.metres_per_pixel * std::pow(0.85, in.scroll), 0.02, 500.0);
        camera.center_x_m = wx - mx * camera.metres_per_pixel;
        camera.center_y_m = wy + my * camera.metres_per_pixel;
      }
      camera.center_x_m -= in.drag_x_px * camera.metres_per_pixel;
      camera.center_y_m += in.drag_y_px * camera.metres_per_pixel;
    }

    render::update_scene(net, &source.demand(), source.frame(), state.colouring, scene);
    state.time_s = source.frame().time_s;
    state.clock = clock_text(source.meta().start, state.time_s);
    state.vehicles = source.vehicles();
    if (const World* w = source.world()) {
      const traffic::TrafficKpis k = w->traffic().kpis();
      state.created = k.created;
      state.finished = k.finished;
      state.average_travel_time_s = k.average_travel_time_s;
      state.co2_kg = k.co2_kg;
      state.events_applied = w->events_applied();
    }
    if (state.time_s >= next_history_s) {
      if (history.size() >= 4000) history.erase(history.begin(), history.begin() + 2000);
      history.push_back(static_cast<float>(state.vehicles));
      next_history_s = state.time_s + 10.0;
      state.history_vehicles = history;
    }

    const render::ViewCommands c = render::time_panel(state);
    render::kpi_panel(state);
    render::legend_panel(state, window.height());
    if (o.demo) render::demo_captions(state, window.width());
    if (c.toggle_play) state.playing = !state.playing;
    if (c.speed) state.speed = *c.speed;
    if (c.colouring) state.colouring = *c.colouring;
    if (c.fit) camera = render::fit_camera(scene, window.width(), window.height());
    if (c.quit) window.close();
    if (c.step) {
      state.playing = false;
      target_s = std::min(
          state.time_s + (state.replay ? source.meta().sample_interval_s : source.meta().step_s),
          state.duration_s);
      source.seek(target_s);
    }
    if (c.seek_s && state.replay) {
      target_s = *c.seek_s;
      source.seek(target_s);
    }
    window.draw(scene, camera);
    ++frames;
  }
  const double wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  ctx.err << fmt::format("view: {} frames in {:.1f} s ({:.1f} fps) on {}; t = {:.0f} s\n", frames,
                         wall_s, static_cast<double>(frames) / std::max(wall_s, 1e-9),
                         window.device_name(), source.time_s());
  if (window.validation_messages() > 0) {
    ctx.err << fmt::format("Vulkan validation: {} messages; first: {}\n",
                           window.validation_messages(), window.first_validation_message());
    return exit_code::failure;
  }
  return exit_code::ok;
}

}  // namespace

CommandRun configure_view(CLI::App& sub) {
  auto o = std::make_shared<ViewOptions>();
  sub.add_option("source", o->source, "Scenario manifest (runs live) or run file (replays)")
      ->required()
      ->check(CLI::ExistingFile);
  sub.add_flag("--demo", o->demo,
               "Forum mode: the camera tours the network and large captions show the KPIs");
  sub.add_option("--speed", o->speed,
                 "Simulated seconds per wall second at the start (default 1; 20 with --demo)")
      ->check(CLI::Range(0.1, 1000.0));
  sub.add_option("--size", o->size, "Window size WIDTHxHEIGHT")->default_str("1280x720");
  sub.add_option("--device", o->device,
                 "auto (a GPU if there is one, else lavapipe), cpu (lavapipe) or gpu")
      ->check(CLI::IsMember({"auto", "cpu", "gpu"}))
      ->default_str("auto");
  sub.add_option("--exit-after", o->exit_after_s,
                 "Close the window after this many wall-clock seconds (kiosks, tests)")
      ->check(CLI::NonNegativeNumber);
  sub.footer(
      "Mouse: drag to pan, wheel to zoom about the cursor; keys: F fit, space play/pause.\n"
      "Needs a display (DISPLAY); `xvfb-run -a parktwin view ...` gives a virtual one, and\n"
      "`parktwin render` draws a picture with none.\n"
      "Example: parktwin view assets/scenarios/hangzhou_4x4/scenario.toml --demo\n");
  return [o](const CommandContext& ctx) { return view(*o, ctx); };
}

}  // namespace parktwin::cli

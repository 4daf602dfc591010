// parktwin view: the park alive in a window. A scenario runs live (play, pause, speed x1 to
// x1000, step); a run file replays (the same, plus scrubbing). Lanes coloured by speed or
// density, vehicles, signals; Dear ImGui panels for time, KPIs and events, and a legend.
// --demo tours the network with the camera and shows large captions, for forums.

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "engine/error.h"
#include "render/building_scene.h"
#include "render/camera.h"
#include "render/ground_cover.h"
#include "render/inspector.h"
#include "render/offscreen_renderer.h"
#include "render/picking.h"
#include "render/scene_builder.h"
#include "render/vehicle_lights.h"
#include "render/viewer_panels.h"
#include "render/viewer_window.h"
#include "render/what_if_panel.h"
#include "sim/traffic/events.h"
#include "tools/camera_control.h"
#include "tools/cli_checks.h"
#include "tools/command.h"
#include "tools/image_size.h"
#include "tools/live_inspection.h"
#include "tools/traffic_source.h"
#include "tools/what_if_session.h"

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
  std::string camera;   // --camera, as for `parktwin render`
  std::string compare;  // --compare: a what-if shown beside the scenario
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

// The panes of the window: the baseline alone, or the baseline left and its variant right.
struct Layout {
  std::array<render::ScenePane, 2> panes;
  std::size_t count = 1;
  // The pane under column x (the last one right of the divider).
  std::size_t at(double x) const { return count == 2 && x >= panes[1].x ? 1 : 0; }
};

// "road 'road_1_4_0'", "vehicle 'flow_12_3'", "junction 'intersection_2_2'".
std::string pick_text(const traffic::Network& net, const traffic::Demand& demand,
                      const buildings::BuildingStock* buildings, const render::Pick& p) {
  switch (p.kind) {
    case render::PickKind::vehicle:
      return fmt::format("vehicle '{}'", demand.trip_id[p.index]);
    case render::PickKind::lane:
      return fmt::format("road '{}' (lane {})", net.road_id[net.lane_road[p.index]],
                         net.lane_index[p.index]);
    case render::PickKind::junction:
      return fmt::format("junction '{}'", net.junction_id[p.index]);
    case render::PickKind::building:
      return buildings != nullptr ? fmt::format("building '{}'", buildings->id[p.index])
                                  : fmt::format("building {}", p.index);
  }
  return {};
}

// A camera to look at `p` from close by: the same heading, tilted, at a street's scale.
render::Camera close_up(const render::Camera& now, geo::Vec3 p) {
  render::Camera c = now;
  c.center_x_m = p.x;
  c.center_y_m = p.y;
  c.metres_per_pixel = std::min(now.metres_per_pixel, 0.25);
  c.pitch_deg = std::min(now.pitch_deg, 50.0);
  return c;
}

int view(const ViewOptions& o, const CommandContext& ctx) {
  // The panels need 320x240; the offscreen renderer's limit bounds a window as well.
  const auto [width, height] =
      parse_image_size(o.size, 320, 240, render::OffscreenRenderer::kMaxSide);
  TrafficSource source(o.source);
  const traffic::Network& net = source.network();
  render::SceneView scene = render::scene_of(net);
  render::add_ground_cover(source.ground_cover(), scene);
  render::SceneView variant_scene;  // built when a variant first runs
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
  render::Camera camera = o.camera.empty()
                              ? render::fit_camera(scene, window.width(), window.height())
                              : parse_camera(o.camera, scene);
  const DemoTour tour(net, scene, window.width(), window.height());
  CameraFlight flight;
  render::Picker picker(net, scene.origin);
  if (const buildings::BuildingStock* stock = source.building_stock()) {
    picker.add_buildings(*stock, scene.origin);
  }
  std::optional<render::Pick> selected;
  std::size_t selected_pane = 0;
  float legend_height = 0.0f;  // the legend's height in the last frame
  std::vector<std::uint8_t> lane_closed;
  std::vector<std::uint32_t> marked_roads;  // of the selection, on the map
  render::TimingEdit timing_edit;
  WhatIfSession what_if(source);
  float demand_factor = 1.2f;
  std::string save_path = "what-if.toml";
  std::string what_if_status;
  auto variant_started = Clock::now();
  bool variant_reported = true;
  if (!o.compare.empty()) {
    what_if.compare_with(o.compare);
    what_if_status = fmt::format("variant: {}", o.compare);
  }
  const auto add_edit = [&](const scenarios::EventSpec& edit) {
    what_if.add(edit);
    ctx.err << "view: edit " << what_if.edit_texts().back() << "\n";
  };

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
  std::vector<float> history, history_import_kw;
  std::vector<render::FeederLoad> feeders;
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
    // A variant catching up holds the baseline where it is; then both run together.
    const bool caught_up = what_if.follow(source.time_s(), 0.04);
    if (state.playing && caught_up) {
      target_s = std::min(target_s + state.speed * dt, state.duration_s);
      source.seek(target_s);
      what_if.follow(source.time_s(), 0.5);
      if (target_s >= state.duration_s) state.playing = false;
    }

    // The panes: side by side with a variant, each with the same camera.
    Layout layout;
    const int w = window.width(), h = window.height();
    layout.count = what_if.variant() != nullptr ? 2 : 1;
    layout.panes[0] = {&scene, camera, 0, layout.count == 2 ? w / 2 : w};
    layout.panes[1] = {&variant_scene, camera, w / 2, w - w / 2};
    const render::ScenePane& hovered = layout.panes[layout.at(in.cursor_x_px)];
    const double px = in.cursor_x_px - hovered.x, py = in.cursor_y_px;
    const int pw = hovered.width;

    // Camera: the tour in --demo; else a flight to what was inspected, or the mouse: wheel
    // zooms about the cursor, left drag pans, right drag (or shift + left) turns.
    if (o.demo) {
      camera = tour.at(wall_s);
    } else if (flight.active(wall_s)) {
      camera = flight.at(wall_s);
    } else {
      if (in.fit_pressed) camera = render::fit_camera(scene, w, h);
      if (in.scroll != 0.0) render::zoom_about(camera, pw, h, px, py, std::pow(0.85, in.scroll));
      if (in.drag_x_px != 0.0 || in.drag_y_px != 0.0) {
        render::pan(camera, pw, h, px - in.drag_x_px, py - in.drag_y_px, px, py);
      }
      if (in.orbit_x_px != 0.0 || in.orbit_y_px != 0.0) {
        render::orbit(camera, 0.3 * in.orbit_x_px, 0.3 * in.orbit_y_px);
      }
    }

    render::update_scene(net, &source.demand(), source.frame(), state.colouring, scene);
    if (const buildings::BuildingStock* stock = source.building_stock()) {
      const buildings::BuildingsState& shown = *source.buildings_state();
      if (scene.building_begin.empty()) render::add_buildings(*stock, scene);
      render::update_buildings(*stock, shown, shown.sun_elevation_deg, state.building_colouring,
                               scene);
    }
    render::add_vehicle_lights(scene);
    if (const TrafficSource* v = what_if.variant()) {
      if (variant_scene.lane_begin.empty()) {
        variant_scene = render::scene_of(net);
        render::add_ground_cover(source.ground_cover(), variant_scene);
      }
      render::update_scene(net, &v->demand(), v->frame(), state.colouring, variant_scene);
      if (const buildings::BuildingStock* stock = v->building_stock()) {
        const buildings::BuildingsState& shown = *v->buildings_state();
        if (variant_scene.building_begin.empty()) render::add_buildings(*stock, variant_scene);
        render::update_buildings(*stock, shown, shown.sun_elevation_deg, state.building_colouring,
                                 variant_scene);
      }
      render::add_vehicle_lights(variant_scene);
    }
    const TrafficSource* pane_source[2] = {&source, what_if.variant()};

    // A click picks what is under the cursor in its pane (clicks on panels go to ImGui).
    if (in.clicked && !o.demo) {
      const std::size_t p = layout.at(in.cursor_x_px);
      const render::PixelRay r = render::pixel_ray(camera, pw, h, px, py);
      const render::SceneView& sv = *layout.panes[p].scene;
      const render::CameraPose pose = render::pose_of(camera, h);
      const double mpp = 2.0 * pose.distance_m * pose.tan_half_fov / h;
      const render::Ray ray{{static_cast<float>(r.origin.x), static_cast<float>(r.origin.y),
                             static_cast<float>(r.origin.z)},
                            {static_cast<float>(r.direction.x), static_cast<float>(r.direction.y),
                             static_cast<float>(r.direction.z)}};
      selected = picker.pick(ray, sv.vehicles, pane_source[p]->frame().vehicle,
                             static_cast<float>(camera.min_vehicle_length_px * mpp),
                             static_cast<float>(camera.min_vehicle_width_px * mpp));
      selected_pane = p;
      if (selected) {
        ctx.err << fmt::format("view: t = {:.0f} s: inspecting {}\n", source.time_s(),
                               pick_text(net, source.demand(), source.building_stock(), *selected));
      }
    }
    if (selected_pane >= layout.count) selected_pane = 0;
    if (selected && pane_source[selected_pane] != nullptr) {
      roads_to_mark(*pane_source[selected_pane], *selected, marked_roads);
      render::highlight_roads(net, marked_roads, selected_pane == 0 ? scene : variant_scene);
    }

    state.time_s = source.frame().time_s;
    state.clock = clock_text(source.meta().start, state.time_s);
    state.vehicles = source.vehicles();
    if (const World* wd = source.world()) {
      const traffic::TrafficKpis k = wd->traffic().kpis();
      state.created = k.created;
      state.finished = k.finished;
      state.average_travel_time_s = k.average_travel_time_s;
      state.co2_kg = k.co2_kg;
      state.events_applied = wd->events_applied();
      if (const energy::EnergySim* e = wd->energy()) {
        const energy::EnergyState& es = e->state();
        const energy::DistrictAssets& a = e->assets();
        state.has_energy = true;
        state.import_kw = es.site_import_w / 1000.0;
        const energy::EnergyKpis ek = e->kpis();
        double charging_w = 0.0;  // now (the KPIs hold energy since the start)
        for (const float cw : es.charger_w) charging_w += static_cast<double>(cw);
        state.charging_kw = charging_w / 1000.0;
        state.cost = ek.cost;
        state.grid_co2_kg = ek.co2_kg;
        state.currency = e->tariff().currency;
        state.ev_sessions = es.sessions.active_count;
        state.overload_h = ek.feeder_overload_h;
        feeders.resize(a.feeders());
        for (std::size_t f = 0; f < a.feeders(); ++f) {
          feeders[f] = {a.feeder_name[f], es.feeder_w[f] / 1000.0, a.feeder_capacity_w[f] / 1000.0};
        }
        state.feeders = feeders;
      }
    }
    {
      const auto agents = source.frame().signal_agent;
      state.agent_junctions = static_cast<std::size_t>(std::count(agents.begin(), agents.end(), 1));
    }
    if (const buildings::BuildingsState* b = source.buildings_state()) {
      state.has_buildings = true;
      state.outdoor_c = b->outdoor_c;
      state.site_electric_kw = b->site_electric_w / 1000.0;
      state.site_pv_kw = b->site_pv_w / 1000.0;
    }
    if (state.time_s >= next_history_s) {
      if (history.size() >= 4000) history.erase(history.begin(), history.begin() + 2000);
      history.push_back(static_cast<float>(state.vehicles));
      if (state.has_energy) {
        if (history_import_kw.size() >= 4000) {
          history_import_kw.erase(history_import_kw.begin(), history_import_kw.begin() + 2000);
        }
        history_import_kw.push_back(static_cast<float>(state.import_kw));
        state.history_import_kw = history_import_kw;
      }
      next_history_s = state.time_s + 10.0;
      state.history_vehicles = history;
    }

    const render::ViewCommands c = render::time_panel(state);
    // The KPI panel starts at y = 230 and stops 10 px above last frame's legend.
    render::kpi_panel(state, static_cast<float>(window.height()) - 230.0f - 20.0f - legend_height);
    legend_height = render::legend_panel(state, window.height());
    if (o.demo) render::demo_captions(state, window.width());
    if (c.toggle_play) state.playing = !state.playing;
    if (c.speed) state.speed = *c.speed;
    if (c.colouring) state.colouring = *c.colouring;
    if (c.building_colouring) state.building_colouring = *c.building_colouring;
    if (c.fit) camera = render::fit_camera(scene, w, h);
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

    if (!o.demo) {
      // The inspector, its edits (which become what-if edits) and the what-if panels.
      if (selected) {
        const render::Inspection shown =
            inspect_now(*pane_source[selected_pane], *selected, lane_closed);
        render::InspectorCommands ic = render::inspector_panel(shown, timing_edit);
        // Keys do what the inspector's buttons do: C closes (or reopens) the road, Esc closes.
        if (const auto* road = std::get_if<render::RoadInfo>(&shown); road && in.close_pressed) {
          (road->closed ? ic.open_road : ic.close_road) = true;
        }
        if (ic.close || in.escape_pressed) selected.reset();
        if (ic.fly_to && selected) {
          flight.start(camera, close_up(camera, selected->point), wall_s);
        }
        scenarios::EventSpec edit;
        if (const auto* road = std::get_if<render::RoadInfo>(&shown)) edit.road = road->id;
        if (const auto* j = std::get_if<render::JunctionInfo>(&shown)) edit.junction = j->id;
        if (ic.close_road || ic.open_road) {
          edit.type = ic.close_road ? "close_road" : "open_road";
          add_edit(edit);
        }
        if (ic.retime) {
          edit.type = "signal_plan";
          edit.phases_s = *ic.retime;
          add_edit(edit);
        }
      }
      const std::vector<render::KpiComparison> kpis = what_if.compare();
      render::WhatIfView wv;
      wv.edits = what_if.edit_texts();
      wv.edits_changed = what_if.edits_changed();
      wv.variant_on = what_if.variant() != nullptr;
      wv.catch_up = what_if.catch_up();
      wv.can_save = what_if.can_save();
      wv.status = what_if_status;
      const render::WhatIfCommands wc = render::what_if_panel(wv, demand_factor, save_path, w);
      if (wc.demand_factor) {
        scenarios::EventSpec edit;
        edit.type = "demand_multiplier";
        edit.factor = *wc.demand_factor;
        add_edit(edit);
      }
      if (wc.remove_edit) what_if.remove(*wc.remove_edit);
      if ((wc.run_variant || in.variant_pressed) && !what_if.edits().empty()) {
        try {
          what_if.run_variant();
          what_if_status.clear();
          variant_started = Clock::now();
          variant_reported = false;
          ctx.err << fmt::format("view: t = {:.0f} s: variant started with {} edits\n",
                                 source.time_s(), what_if.edits().size());
        } catch (const Error& e) {
          what_if_status = e.what();
          ctx.err << "view: variant refused: " << e.what() << "\n";
        }
      }
      if (wc.drop_variant) what_if.drop_variant();
      if ((wc.save || in.save_pressed) && !what_if.edits().empty()) {
        what_if_status = what_if.save(save_path);
        ctx.err << "view: " << what_if_status << "\n";
      }
      if (what_if.variant() != nullptr && what_if.catch_up() >= 1.0 && !variant_reported) {
        variant_reported = true;
        ctx.err << fmt::format(
            "view: variant caught up with the baseline at t = {:.0f} s in {:.1f} s\n",
            source.time_s(), std::chrono::duration<double>(Clock::now() - variant_started).count());
      }
      if (what_if.variant() != nullptr) {
        render::comparison_panel(kpis, w, h);
        render::split_divider(layout.panes[1].x, h);
      }
    }
    window.draw(std::span(layout.panes.data(), layout.count));
    ++frames;
  }
  // The comparison as it stood, for the record (and for scripts that check it).
  for (const render::KpiComparison& k : what_if.compare()) {
    ctx.err << fmt::format("view: at t = {:.0f} s {}: baseline {} variant {}\n", source.time_s(),
                           k.name, k.known ? fmt::format("{:.6g}", k.baseline) : "n/a",
                           fmt::format("{:.6g}", k.variant));
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
      ->check(finite_range(0.1, 1000.0));
  sub.add_option("--size", o->size, "Window size WIDTHxHEIGHT")->default_str("1280x720");
  sub.add_option("--device", o->device,
                 "auto (a GPU if there is one, else lavapipe), cpu (lavapipe) or gpu")
      ->check(CLI::IsMember({"auto", "cpu", "gpu"}))
      ->default_str("auto");
  sub.add_option("--camera", o->camera,
                 "X,Y,METRES_PER_PIXEL[,PITCH[,HEADING]]: the first view, as for `parktwin "
                 "render` (default: the whole network from above)");
  sub.add_option("--compare", o->compare,
                 "A what-if (manifest or run file) of the same network to show beside the "
                 "scenario, with a table of their KPIs")
      ->check(CLI::ExistingFile);
  sub.add_option("--exit-after", o->exit_after_s,
                 "Close the window after this many wall-clock seconds (kiosks, tests)")
      ->check(finite_non_negative());
  sub.footer(
      "Mouse: left drag pans, right drag (or shift + left) turns the view, the wheel zooms\n"
      "about the cursor, a click inspects a vehicle, road or junction; keys: F fit (from\n"
      "above), space play/pause. Closures, retimings and demand multipliers made in the\n"
      "inspector and the What-if panel re-run as a variant beside the baseline and save as a\n"
      "what-if manifest for `parktwin run`.\n"
      "Needs a display (DISPLAY); `xvfb-run -a parktwin view ...` gives a virtual one, and\n"
      "`parktwin render` draws a picture with none.\n"
      "Example: parktwin view assets/scenarios/hangzhou_4x4/scenario.toml --demo\n");
  return [o](const CommandContext& ctx) { return view(*o, ctx); };
}

}  // namespace parktwin::cli

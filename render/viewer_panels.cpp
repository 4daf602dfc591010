#include "render/viewer_panels.h"

#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "render/palette.h"

namespace parktwin::render {

namespace {

ImVec4 colour_of(Rgba8 c) { return {c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, 1.0f}; }

std::string hms(double s) {
  const auto t = static_cast<long long>(std::floor(std::max(0.0, s)));
  return fmt::format("{:d}:{:02d}:{:02d}", t / 3600, t / 60 % 60, t % 60);
}

}  // namespace

ViewCommands time_panel(const ViewState& s) {
  ViewCommands c;
  ImGui::SetNextWindowPos({10, 10}, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize({420, 0}, ImGuiCond_FirstUseEver);
  ImGui::Begin("Time");
  ImGui::Text("%s", s.scenario.c_str());
  ImGui::Text("t = %s / %s%s%s", hms(s.time_s).c_str(), hms(s.duration_s).c_str(),
              s.clock.empty() ? "" : "   ", s.clock.c_str());
  if (ImGui::Button(s.playing ? "Pause" : "Play")) c.toggle_play = true;
  ImGui::SameLine();
  if (ImGui::Button("Step")) c.step = true;
  ImGui::SameLine();
  if (ImGui::Button("Fit view")) c.fit = true;
  ImGui::SameLine();
  if (ImGui::Button("Quit")) c.quit = true;
  float speed = static_cast<float>(s.speed);
  if (ImGui::SliderFloat("speed", &speed, 1.0f, 1000.0f, "x%.0f", ImGuiSliderFlags_Logarithmic)) {
    c.speed = speed;
  }
  if (s.replay) {
    float t = static_cast<float>(s.time_s);
    if (ImGui::SliderFloat("time (s)", &t, 0.0f, static_cast<float>(s.duration_s), "%.0f")) {
      c.seek_s = t;
    }
  }
  int colouring = s.colouring == LaneColouring::speed ? 0 : 1;
  if (ImGui::RadioButton("lanes by speed", &colouring, 0)) c.colouring = LaneColouring::speed;
  ImGui::SameLine();
  if (ImGui::RadioButton("by density", &colouring, 1)) c.colouring = LaneColouring::density;
  if (s.has_buildings) {
    int b = static_cast<int>(s.building_colouring);
    if (ImGui::RadioButton("buildings by temperature", &b, 0)) {
      c.building_colouring = BuildingColouring::temperature;
    }
    ImGui::SameLine();
    if (ImGui::RadioButton("load", &b, 1)) c.building_colouring = BuildingColouring::load;
    ImGui::SameLine();
    if (ImGui::RadioButton("PV", &b, 2)) c.building_colouring = BuildingColouring::pv;
  }
  ImGui::TextDisabled("%.0f fps on %s", s.fps, s.device.c_str());
  ImGui::TextDisabled("drag: pan  right drag: turn  wheel: zoom  click: inspect");
  ImGui::TextDisabled("F: fit  space: play  C: close road  V: variant  S: save");
  ImGui::End();
  return c;
}

void kpi_panel(const ViewState& s, float max_height) {
  ImGui::SetNextWindowPos({10, 230}, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize({360, 0}, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSizeConstraints({200, 60}, {FLT_MAX, std::max(60.0f, max_height)});
  ImGui::Begin("KPIs");
  ImGui::Text("vehicles in the network  %llu", static_cast<unsigned long long>(s.vehicles));
  if (!s.replay) {
    ImGui::Text("created / finished       %llu / %llu", static_cast<unsigned long long>(s.created),
                static_cast<unsigned long long>(s.finished));
    ImGui::Text("average travel time      %.1f s", s.average_travel_time_s);
    ImGui::Text("CO2                      %.1f kg", s.co2_kg);
  }
  if (s.has_buildings) {
    ImGui::Text("outdoor air              %.1f C", s.outdoor_c);
    ImGui::Text("buildings' demand        %.0f kW", s.site_electric_kw);
    ImGui::Text("rooftop PV               %.0f kW", s.site_pv_kw);
  }
  if (s.has_energy) {
    ImGui::Separator();
    ImGui::Text("electricity bought       %.0f kW", s.import_kw);
    ImGui::Text("EV charging (%llu cars)   %.0f kW", static_cast<unsigned long long>(s.ev_sessions),
                s.charging_kw);
    ImGui::Text("cost so far              %.0f %s", s.cost, s.currency.c_str());
    ImGui::Text("CO2, electricity         %.1f kg", s.grid_co2_kg);
    ImGui::Text("feeder overload          %.2f h", s.overload_h);
    // Each feeder's flow as a share of its capacity; red beyond it.
    for (const FeederLoad& f : s.feeders) {
      const bool limited = std::isfinite(f.capacity_kw) && f.capacity_kw > 0.0;
      const double share = limited ? std::abs(f.load_kw) / f.capacity_kw : 0.0;
      const std::string label =
          limited ? fmt::format("{}  {:.0f} / {:.0f} kW", f.name, f.load_kw, f.capacity_kw)
                  : fmt::format("{}  {:.0f} kW", f.name, f.load_kw);
      const bool over = share > 1.0;
      if (over) ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImVec4(0.85f, 0.15f, 0.1f, 1.0f));
      ImGui::ProgressBar(static_cast<float>(std::min(share, 1.0)), {-FLT_MIN, 0}, label.c_str());
      if (over) ImGui::PopStyleColor();
    }
    if (!s.history_import_kw.empty()) {
      ImGui::PlotLines("##import", s.history_import_kw.data(),
                       static_cast<int>(s.history_import_kw.size()), 0, "electricity bought (kW)",
                       0.0f, FLT_MAX, {ImGui::GetContentRegionAvail().x, 60});
    }
  }
  if (!s.history_vehicles.empty()) {
    ImGui::PlotLines("##vehicles", s.history_vehicles.data(),
                     static_cast<int>(s.history_vehicles.size()), 0, "vehicles over time", 0.0f,
                     FLT_MAX, {ImGui::GetContentRegionAvail().x, 80});
  }
  if (!s.events.empty() && ImGui::CollapsingHeader("Events", ImGuiTreeNodeFlags_DefaultOpen)) {
    for (std::size_t i = 0; i < s.events.size(); ++i) {
      if (i < s.events_applied) {
        ImGui::Text("%s", s.events[i].c_str());
      } else {
        ImGui::TextDisabled("%s", s.events[i].c_str());
      }
    }
  }
  ImGui::End();
}

float legend_panel(const ViewState& s, int window_height) {
  ImGui::SetNextWindowPos({10, static_cast<float>(window_height) - 10}, ImGuiCond_Always, {0, 1});
  ImGui::SetNextWindowBgAlpha(0.6f);
  ImGui::Begin("Legend", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                   ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoFocusOnAppearing);
  ImGui::Text(s.colouring == LaneColouring::speed ? "lane speed / limit"
                                                  : "lane density (vehicles / 100 m)");
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  constexpr int kSteps = 40;
  for (int i = 0; i < kSteps; ++i) {
    const double t = static_cast<double>(i) / (kSteps - 1);
    const Rgba8 c = palette::ramp(t);
    const float x0 = at.x + static_cast<float>(i) * 6.0f;
    draw->AddRectFilled({x0, at.y}, {x0 + 6.0f, at.y + 12.0f}, IM_COL32(c.r, c.g, c.b, 255));
  }
  ImGui::Dummy({kSteps * 6.0f, 14.0f});
  ImGui::Text(s.colouring == LaneColouring::speed ? "0%%                        100%%"
                                                  : "20+                          0");
  ImGui::TextColored(colour_of(palette::kGreenLight), "green");
  ImGui::SameLine();
  ImGui::TextColored(colour_of(palette::kRedLight), "red");
  ImGui::SameLine();
  ImGui::Text("signal at the stop line");
  ImGui::TextColored(colour_of(palette::kClosedLane), "blue");
  ImGui::SameLine();
  ImGui::Text("closed lane");
  if (s.agent_junctions > 0) {
    ImGui::TextColored(colour_of(palette::kAgentRing), "ring");
    ImGui::SameLine();
    ImGui::Text("junction run by a learned policy (%zu)", s.agent_junctions);
  }
  if (s.has_buildings) {
    const RampEnds ends = building_ramp_ends(s.building_colouring);
    ImGui::Text("buildings: %s", ends.unit);
    const ImVec2 b = ImGui::GetCursorScreenPos();
    for (int i = 0; i < kSteps; ++i) {
      const Rgba8 c = building_ramp(s.building_colouring, static_cast<double>(i) / (kSteps - 1));
      const float x0 = b.x + static_cast<float>(i) * 6.0f;
      draw->AddRectFilled({x0, b.y}, {x0 + 6.0f, b.y + 12.0f}, IM_COL32(c.r, c.g, c.b, 255));
    }
    ImGui::Dummy({kSteps * 6.0f, 14.0f});
    ImGui::Text("%-27.0f%.0f", ends.low, ends.high);
  }
  const float height = ImGui::GetWindowHeight();
  ImGui::End();
  return height;
}

void demo_captions(const ViewState& s, int window_width) {
  ImGui::SetNextWindowPos({static_cast<float>(window_width) - 20, 20}, ImGuiCond_Always, {1, 0});
  ImGui::SetNextWindowBgAlpha(0.55f);
  ImGui::Begin("Demo", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                   ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoInputs);
  ImGui::SetWindowFontScale(2.2f);
  ImGui::Text("%s", s.scenario.c_str());
  ImGui::Text("%s", s.clock.empty() ? hms(s.time_s).c_str() : s.clock.c_str());
  ImGui::SetWindowFontScale(1.8f);
  ImGui::Text("%llu vehicles on the road", static_cast<unsigned long long>(s.vehicles));
  if (!s.replay) {
    ImGui::Text("average trip %.0f s", s.average_travel_time_s);
    ImGui::Text("CO2 so far %.0f kg", s.co2_kg);
  }
  ImGui::End();
}

}  // namespace parktwin::render

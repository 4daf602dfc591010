#include "render/inspector.h"

#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/error.h"

namespace parktwin::render {

namespace {

using traffic::Index;

// A vehicle slower than this is halting (in a queue): SUMO's threshold
// (SUMO_const_haltingSpeed = 0.1 m/s, src/utils/common/StdDefs.h, used by TraCI's
// lane.getLastStepHaltingNumber), and the one the simulation's own queue counts use
// (kHaltingSpeed in sim/traffic/traffic_sim.cpp).
constexpr float kHaltingSpeedMps = 0.1f;

void check_columns(const TrafficFrame& f) {
  const std::size_t n = f.vehicle.size();
  if (f.segment.size() != n || f.pos_m.size() != n || f.speed_mps.size() != n) {
    throw Error("traffic frame columns differ in length").expected(fmt::format("{} each", n));
  }
}

Error out_of_range(const char* what, std::uint32_t index, std::size_t count) {
  Error e(fmt::format("{} out of range", what));
  e.expected(fmt::format("< {}", count)).found(std::to_string(index));
  return e;
}

}  // namespace

RoadInfo road_info(const traffic::Network& net, const TrafficFrame& frame, std::uint32_t road,
                   std::span<const std::uint8_t> lane_closed) {
  if (road >= net.road_count()) throw out_of_range("road", road, net.road_count());
  check_columns(frame);
  if (!lane_closed.empty() && lane_closed.size() != net.lane_count()) {
    throw Error("lane closures do not cover the network's lanes")
        .expected(std::to_string(net.lane_count()))
        .found(std::to_string(lane_closed.size()));
  }
  RoadInfo r;
  r.id = net.road_id[road];
  r.lanes = net.road_lane_count[road];
  const Index first = net.road_first_lane[road], end = first + r.lanes;
  // Lanes of one road may differ a little in length (SUMO shortens inner lanes at a bend)
  // and in limit: the road is as long as its longest lane and as fast as its fastest.
  bool all_closed = r.lanes > 0 && !lane_closed.empty();
  for (Index l = first; l < end; ++l) {
    r.length_m = std::max(r.length_m, net.seg_length_m[l]);
    r.speed_limit_mps = std::max(r.speed_limit_mps, net.seg_speed_limit_mps[l]);
    all_closed = all_closed && lane_closed[l] != 0;
  }
  r.closed = all_closed;
  double speed_sum = 0.0;
  for (std::size_t i = 0; i < frame.segment.size(); ++i) {
    const Index seg = frame.segment[i];
    if (seg < first || seg >= end) continue;
    ++r.vehicles;
    r.halting += frame.speed_mps[i] < kHaltingSpeedMps ? 1u : 0u;
    speed_sum += static_cast<double>(frame.speed_mps[i]);
  }
  r.mean_speed_mps = r.vehicles > 0 ? speed_sum / r.vehicles : 0.0;
  return r;
}

VehicleInfo vehicle_info(const traffic::Network& net, const traffic::Demand& demand,
                         const TrafficFrame& frame, std::uint32_t trip) {
  if (trip >= demand.trip_count()) throw out_of_range("trip", trip, demand.trip_count());
  check_columns(frame);
  const traffic::Trip& t = demand.trips[trip];
  VehicleInfo v;
  v.id = trip < demand.trip_id.size() ? demand.trip_id[trip] : fmt::format("trip {}", trip);
  v.type = t.type < demand.types.size() ? demand.types[t.type].name : std::string();
  v.route.reserve(t.route_length);
  for (Index k = 0; k < t.route_length; ++k)
    v.route.push_back(net.road_id[demand.route_road(t, k)]);
  // time_in_network_s stays 0: a frame holds no entry time, and the trip's departure time is
  // not it (a vehicle may wait to enter, or be inserted early by a control).

  // The frame lists vehicles in segment order, not by trip: a scan, once per click or per
  // frame of an open inspector, is cheaper than an index kept for it.
  const auto at = std::find(frame.vehicle.begin(), frame.vehicle.end(), trip);
  if (at == frame.vehicle.end()) {
    v.in_network = false;
    v.route_pos = v.route.size();
    return v;
  }
  const auto i = static_cast<std::size_t>(at - frame.vehicle.begin());
  const Index seg = frame.segment[i];
  if (seg >= net.segment_count()) {
    throw Error("vehicle on a segment the network does not have")
        .field(fmt::format("vehicle {}", trip))
        .found(std::to_string(seg));
  }
  // In a junction a vehicle is on a link; it still belongs to the road it came from until it
  // reaches the next road's lane.
  const Index lane = net.is_link(seg) ? net.link_from_lane[net.segment_link(seg)] : seg;
  const Index road = net.lane_road[lane];
  v.speed_mps = frame.speed_mps[i];
  v.road = net.road_id[road];
  v.lane_in_road = net.lane_index[lane];
  // The first visit of the road: a route that comes back to a road is rare, and the frame
  // does not say which visit this is. A vehicle rerouted around a closure may be on a road
  // its planned route does not have: then route_pos == route.size().
  v.route_pos = v.route.size();
  for (Index k = 0; k < t.route_length; ++k) {
    if (demand.route_road(t, k) == road) {
      v.route_pos = k;
      break;
    }
  }
  return v;
}

JunctionInfo junction_info(const traffic::Network& net, const TrafficFrame& frame,
                           std::uint32_t junction) {
  if (junction >= net.junction_count()) {
    throw out_of_range("junction", junction, net.junction_count());
  }
  if (frame.signal_phase.size() != net.signal_count()) {
    throw Error("traffic frame has another number of signals")
        .expected(std::to_string(net.signal_count()))
        .found(std::to_string(frame.signal_phase.size()));
  }
  JunctionInfo j;
  j.id = net.junction_id[junction];
  const Index g = net.junction_signal[junction];
  j.signalised = g != traffic::kNone;
  if (!j.signalised) return j;
  j.phase = frame.signal_phase[g];
  if (j.phase < net.signal_phases(g).size()) {
    j.phase_kind = traffic::phase_kind_name(net.signal_phases(g)[j.phase].kind);
  }
  for (const traffic::SignalPhase& p : net.signal_phases(g)) {
    j.phase_durations_s.push_back(p.duration_s);
  }
  return j;
}

Inspection inspect(const traffic::Network& net, const traffic::Demand& demand,
                   const TrafficFrame& frame, const Pick& pick,
                   std::span<const std::uint8_t> lane_closed) {
  switch (pick.kind) {
    case PickKind::vehicle:
      return vehicle_info(net, demand, frame, pick.index);
    case PickKind::lane:
      if (pick.index >= net.lane_count()) throw out_of_range("lane", pick.index, net.lane_count());
      return road_info(net, frame, net.lane_road[pick.index], lane_closed);
    case PickKind::junction:
      return junction_info(net, frame, pick.index);
    case PickKind::building:
      return std::monostate{};  // building_info: the caller has the stock
  }
  return {};
}

BuildingInfo building_info(const buildings::BuildingStock& stock,
                           const buildings::BuildingsState* state, std::uint32_t b) {
  if (b >= stock.size()) throw out_of_range("building", b, stock.size());
  BuildingInfo i;
  i.id = stock.id[b];
  i.use = buildings::use_type_name(stock.use[b]);
  i.floors = stock.floors[b];
  i.height_m = stock.height_m[b];
  i.floor_area_m2 = stock.floor_area_m2[b];
  if (state == nullptr || b >= state->air_c.size()) return i;
  i.live = true;
  i.air_c = static_cast<double>(state->air_c[b]);
  i.operative_c = static_cast<double>(state->operative_c[b]);
  i.electric_kw = static_cast<double>(state->electric_w[b]) / 1000.0;
  i.hvac_heat_kw = static_cast<double>(state->hvac_heat_w[b]) / 1000.0;
  i.electric_kwh = state->hvac_electric_kwh[b] + state->lighting_kwh[b] + state->equipment_kwh[b];
  i.discomfort_kh = state->discomfort_kh[b];
  return i;
}

// ---- the panel -------------------------------------------------------------------------

namespace {

void row(const char* key, const std::string& value) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::TextDisabled("%s", key);
  ImGui::TableSetColumnIndex(1);
  ImGui::TextUnformatted(value.c_str());
}

bool begin_fields() {
  return ImGui::BeginTable(
      "fields", 2,
      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit);
}

std::string speed_text(double mps) {
  return fmt::format("{:.1f} m/s  ({:.0f} km/h)", mps, mps * 3.6);
}

void vehicle_panel(const VehicleInfo& v, InspectorCommands& c) {
  if (begin_fields()) {
    row("vehicle", v.id);
    row("type", v.type);
    if (v.in_network) {
      row("speed", speed_text(v.speed_mps));
      row("road", fmt::format("{}  (lane {})", v.road, v.lane_in_road));
      if (v.time_in_network_s > 0.0)
        row("in network", fmt::format("{:.0f} s", v.time_in_network_s));
    } else {
      row("where", "not in the network now");
    }
    row("route", v.route_pos < v.route.size()
                     ? fmt::format("road {} of {}", v.route_pos + 1, v.route.size())
                     : fmt::format("{} roads", v.route.size()));
    ImGui::EndTable();
  }
  // The route: roads behind it greyed, the current one highlighted. Routes of a large city
  // run to hundreds of roads, so only the visible rows are drawn.
  const float rows = static_cast<float>(std::min<std::size_t>(v.route.size(), 8));
  ImGui::BeginChild("route", {0.0f, rows * ImGui::GetTextLineHeightWithSpacing() + 4.0f}, true);
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(v.route.size()));
  while (clipper.Step()) {
    for (int k = clipper.DisplayStart; k < clipper.DisplayEnd; ++k) {
      const auto uk = static_cast<std::size_t>(k);
      const std::string label = fmt::format("{:>3}  {}", k + 1, v.route[uk]);
      if (uk == v.route_pos) {
        ImGui::Selectable(label.c_str(), true);
      } else if (uk < v.route_pos) {
        ImGui::TextDisabled("%s", label.c_str());
      } else {
        ImGui::TextUnformatted(label.c_str());
      }
    }
  }
  ImGui::EndChild();
  ImGui::BeginDisabled(!v.in_network);
  if (ImGui::Button("Fly to")) c.fly_to = true;
  ImGui::EndDisabled();
}

void building_panel(const BuildingInfo& b, InspectorCommands& c) {
  if (begin_fields()) {
    row("building", b.id);
    row("use", b.use);
    row("size",
        fmt::format("{} floors, {:.0f} m, {:.0f} m2", b.floors, b.height_m, b.floor_area_m2));
    if (b.live) {
      row("indoor air", fmt::format("{:.1f} C (operative {:.1f} C)", b.air_c, b.operative_c));
      row("electricity now", fmt::format("{:.1f} kW ({:.1f} W/m2)", b.electric_kw,
                                         1000.0 * b.electric_kw / b.floor_area_m2));
      row(b.hvac_heat_kw >= 0.0 ? "heating" : "cooling",
          fmt::format("{:.1f} kW", std::abs(b.hvac_heat_kw)));
      row("electricity so far", fmt::format("{:.0f} kWh", b.electric_kwh));
      row("discomfort so far", fmt::format("{:.1f} Kh", b.discomfort_kh));
    }
    ImGui::EndTable();
  }
  if (ImGui::Button("Fly to")) c.fly_to = true;
}

void road_panel(const RoadInfo& r, InspectorCommands& c) {
  if (begin_fields()) {
    row("road", r.id);
    row("lanes", std::to_string(r.lanes));
    row("length", fmt::format("{:.0f} m", r.length_m));
    row("speed limit", speed_text(r.speed_limit_mps));
    row("vehicles", std::to_string(r.vehicles));
    row("queue", fmt::format("{} halting", r.halting));
    row("mean speed", r.vehicles > 0 ? speed_text(r.mean_speed_mps) : std::string("-"));
    row("status", r.closed ? "closed" : "open");
    ImGui::EndTable();
  }
  if (r.closed) {
    if (ImGui::Button("Open road")) c.open_road = true;
  } else {
    if (ImGui::Button("Close road")) c.close_road = true;
  }
  ImGui::SameLine();
  if (ImGui::Button("Fly to")) c.fly_to = true;
}

void junction_panel(const JunctionInfo& j, TimingEdit& edit, InspectorCommands& c) {
  if (begin_fields()) {
    row("junction", j.id);
    if (j.signalised) {
      row("signal", fmt::format("phase {} of {} ({})", j.phase + 1, j.phase_durations_s.size(),
                                j.phase_kind));
      if (!j.controller.empty()) row("controlled by", j.controller);
      if (j.time_in_phase_s > 0.0) row("in phase", fmt::format("{:.0f} s", j.time_in_phase_s));
    } else {
      row("signal", "none (priority rules)");
    }
    ImGui::EndTable();
  }
  if (j.signalised) {
    if (edit.junction != j.id || edit.durations_s.size() != j.phase_durations_s.size() ||
        !edit.edited) {
      edit = {j.id, j.phase_durations_s, false};
    }
    ImGui::TextUnformatted("Phase durations (s)");
    for (std::size_t p = 0; p < edit.durations_s.size(); ++p) {
      ImGui::PushID(static_cast<int>(p));
      const bool current = p == j.phase;
      if (current) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.5f, 1.0f, 0.5f, 1.0f));
      ImGui::SetNextItemWidth(140.0f);
      const std::string label = fmt::format("phase {}{}", p + 1, current ? "  (now)" : "");
      if (ImGui::InputDouble(label.c_str(), &edit.durations_s[p], 1.0, 5.0, "%.1f")) {
        edit.edited = true;
      }
      if (current) ImGui::PopStyleColor();
      ImGui::PopID();
    }
    // TrafficSim::set_signal_plan takes durations >= 0 s with a cycle > 0 s.
    const double cycle = std::accumulate(edit.durations_s.begin(), edit.durations_s.end(), 0.0);
    const bool valid = cycle > 0.0 && std::all_of(edit.durations_s.begin(), edit.durations_s.end(),
                                                  [](double d) { return d >= 0.0; });
    ImGui::Text("cycle %.1f s", cycle);
    if (!valid) {
      ImGui::SameLine();
      ImGui::TextColored(ImVec4(1.0f, 0.4f, 0.4f, 1.0f), "durations must be >= 0, cycle > 0");
    }
    ImGui::BeginDisabled(!valid || !edit.edited);
    if (ImGui::Button("Apply timing")) {
      c.retime = edit.durations_s;
      edit.edited = false;
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!edit.edited);
    if (ImGui::Button("Reset")) edit.edited = false;  // back to the plan next frame
    ImGui::EndDisabled();
    ImGui::SameLine();
  }
  if (ImGui::Button("Fly to")) c.fly_to = true;
}

}  // namespace

InspectorCommands inspector_panel(const Inspection& what, TimingEdit& timing) {
  InspectorCommands c;
  if (std::holds_alternative<std::monostate>(what)) return c;
  ImGui::SetNextWindowPos({10, 440}, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize({360, 0}, ImGuiCond_FirstUseEver);
  bool open = true;
  if (ImGui::Begin("Inspector", &open)) {
    if (const auto* v = std::get_if<VehicleInfo>(&what)) {
      vehicle_panel(*v, c);
    } else if (const auto* r = std::get_if<RoadInfo>(&what)) {
      road_panel(*r, c);
    } else if (const auto* j = std::get_if<JunctionInfo>(&what)) {
      junction_panel(*j, timing, c);
    } else if (const auto* b = std::get_if<BuildingInfo>(&what)) {
      building_panel(*b, c);
    }
  }
  ImGui::End();
  c.close = !open;
  return c;
}

}  // namespace parktwin::render

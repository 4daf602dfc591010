#include "tools/live_inspection.h"

#include <filesystem>
#include <string>

#include "scenarios/scenario_controls.h"

namespace parktwin::cli {

std::string controller_of(const scenarios::SignalControlSpec& spec, const traffic::Network& net,
                          traffic::Index signal) {
  const traffic::SignalPolicy p = scenarios::signal_policies(spec, net)[signal];
  switch (p) {
    case traffic::SignalPolicy::fixed_time:
      return "fixed time";
    case traffic::SignalPolicy::max_pressure:
      return "max pressure";
    case traffic::SignalPolicy::sotl:
      return "SOTL";
    case traffic::SignalPolicy::actuated:
      return "actuated";
    case traffic::SignalPolicy::webster:
      return "Webster";
    case traffic::SignalPolicy::agent:
      return spec.policy_path.empty()
                 ? "agent"
                 : "learned policy " + std::filesystem::path(spec.policy_path).filename().string();
  }
  return "?";
}

render::Inspection inspect_now(const TrafficSource& source, const render::Pick& pick,
                               std::vector<std::uint8_t>& lane_closed) {
  if (pick.kind == render::PickKind::building) {
    const buildings::BuildingStock* stock = source.building_stock();
    if (stock == nullptr) return std::monostate{};
    // A replay's state lacks the sums since the start: shown as not known.
    return render::building_info(*stock, source.world() ? source.buildings_state() : nullptr,
                                 pick.index);
  }
  const traffic::Network& net = source.network();
  const World* world = source.world();
  lane_closed.clear();
  if (world != nullptr && pick.kind == render::PickKind::lane) {
    lane_closed.resize(net.lane_count());
    for (traffic::Index l = 0; l < net.lane_count(); ++l) {
      lane_closed[l] = world->traffic().lane_closed(l) ? 1 : 0;
    }
  }
  render::Inspection what =
      render::inspect(net, source.demand(), source.frame(), pick, lane_closed);
  if (auto* j = std::get_if<render::JunctionInfo>(&what); j != nullptr && j->signalised) {
    j->controller = controller_of(source.meta().controllers, net, net.junction_signal[pick.index]);
  }
  if (world == nullptr) return what;
  const traffic::TrafficSim& sim = world->traffic();
  if (auto* v = std::get_if<render::VehicleInfo>(&what); v != nullptr && v->in_network) {
    v->time_in_network_s = sim.time_s() - sim.state().enter_time_s[pick.index];
  }
  if (auto* j = std::get_if<render::JunctionInfo>(&what); j != nullptr && j->signalised) {
    const traffic::Index g = net.junction_signal[pick.index];
    j->time_in_phase_s = sim.signal_time_in_phase_s(g);
    for (std::uint32_t p = 0; p < j->phase_durations_s.size(); ++p) {
      j->phase_durations_s[p] = sim.phase_duration_s(g, p);
    }
  }
  return what;
}

void roads_to_mark(const TrafficSource& source, const render::Pick& pick,
                   std::vector<std::uint32_t>& roads) {
  roads.clear();
  const traffic::Network& net = source.network();
  if (pick.kind == render::PickKind::lane) {
    roads.push_back(net.lane_road[pick.index]);
    return;
  }
  if (pick.kind != render::PickKind::vehicle) return;
  if (const World* world = source.world()) {
    const traffic::TrafficSim& sim = world->traffic();
    if (sim.state().status[pick.index] != traffic::VehicleStatus::running) return;
    for (traffic::Index k = sim.state().route_pos[pick.index]; k < sim.route_length(pick.index);
         ++k) {
      roads.push_back(sim.route_road(pick.index, k));
    }
    return;
  }
  const render::VehicleInfo v =
      render::vehicle_info(net, source.demand(), source.frame(), pick.index);
  const traffic::Trip& trip = source.demand().trips[pick.index];
  for (std::size_t k = v.route_pos; k < v.route.size(); ++k) {
    roads.push_back(source.demand().route_road(trip, static_cast<traffic::Index>(k)));
  }
}

}  // namespace parktwin::cli

#include "sim/coupling/energy_district.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/error.h"

namespace parktwin::coupling {

std::vector<EvVisit> ev_visits_of(const energy::EnergySim& energy, double midnight_offset_s) {
  const energy::ChargingSessions& s = energy.state().sessions;
  std::vector<EvVisit> out;
  out.reserve(static_cast<std::size_t>(s.count));
  for (std::size_t i = 0; i < static_cast<std::size_t>(s.count); ++i) {
    out.push_back({s.building[i], s.arrive_s[i] + midnight_offset_s, s.depart_s[i] - s.arrive_s[i],
                   s.need_kwh[i]});
  }
  return out;
}

namespace {

std::vector<EvVisit> sorted_visits(std::vector<EvVisit> visits, std::size_t buildings) {
  for (const EvVisit& v : visits) {
    if (v.building >= buildings) {
      throw Error("EV visit at no such building")
          .expected(fmt::format("a building index < {}", buildings))
          .found(std::to_string(v.building));
    }
  }
  std::stable_sort(visits.begin(), visits.end(),
                   [](const EvVisit& a, const EvVisit& b) { return a.arrive_s < b.arrive_s; });
  return visits;
}

energy::EnergyConfig with_step(energy::EnergyConfig c, double step_s) {
  c.step_s = step_s;
  return c;
}

}  // namespace

EnergyDistrict::EnergyDistrict(const buildings::BuildingStock& stock,
                               const energy::WeatherSeries& weather,
                               const buildings::BuildingsConfig& buildings,
                               const energy::DistrictAssets& assets, const energy::Tariff& tariff,
                               energy::EnergyConfig energy, std::vector<EvVisit> visits)
    : buildings_(stock, weather, buildings),
      energy_(assets, tariff, with_step(std::move(energy), buildings.step_s), visits.size()),
      visits_(sorted_visits(std::move(visits), assets.buildings())) {}

void EnergyDistrict::step() {
  const double t0 = time_s(), t1 = t0 + step_s();
  for (; next_visit_ < visits_.size() && visits_[next_visit_].arrive_s < t1; ++next_visit_) {
    const EvVisit& v = visits_[next_visit_];
    if (v.arrive_s < t0) continue;  // before the district's t = 0
    energy_.plug_in(v.building, v.arrive_s, v.arrive_s + v.stay_s, v.need_kwh);
  }
  buildings_.step();
  energy_.step(buildings_.state().electric_w, buildings_.state().pv_w);
}

}  // namespace parktwin::coupling

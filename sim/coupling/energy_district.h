#pragma once
// The district's buildings and electricity without the traffic: stepped at the building step
// (DESIGN.md, "One step of the World", 3-4, with traffic's part replaced by a plan of EV
// visits). What the energy agents train and are evaluated on: weeks or a year of the district
// cost what a few hours of its traffic cost, so the traffic is simulated once per day of
// demand (the EV visits it produces: where each EV parks, when, for how long, needing what)
// and those days are replayed under any weather window (ai/energy_env.h).

#include <cstdint>
#include <vector>

#include "sim/buildings/buildings_sim.h"
#include "sim/energy/energy_sim.h"

namespace parktwin::coupling {

// An EV that parks at a building: arriving at arrive_s (from the district's t = 0), staying
// stay_s, needing need_kwh into its battery to reach its target.
struct EvVisit {
  std::uint32_t building = 0;
  double arrive_s = 0.0, stay_s = 0.0, need_kwh = 0.0;
};

// The visits of the sessions an EnergySim has had (from a World that ran its traffic), with
// arrivals counted from local midnight of its first day: `midnight_offset_s` is the local
// time of its t = 0 in seconds after midnight.
std::vector<EvVisit> ev_visits_of(const energy::EnergySim& energy, double midnight_offset_s);

class EnergyDistrict {
 public:
  // Everything but `visits` must outlive the district. `visits` in any order (sorted here by
  // arrival, ties in the order given); each plugs in during the step that holds its arrival.
  // The energy config's step is the buildings'. Throws parktwin::Error as BuildingsSim and
  // EnergySim do, and for a visit at no such building.
  EnergyDistrict(const buildings::BuildingStock& stock, const energy::WeatherSeries& weather,
                 const buildings::BuildingsConfig& buildings, const energy::DistrictAssets& assets,
                 const energy::Tariff& tariff, energy::EnergyConfig energy,
                 std::vector<EvVisit> visits);

  // One building step: the EVs arriving within it plug in, then buildings, then electricity.
  void step();
  double time_s() const { return buildings_.time_s(); }
  double step_s() const { return buildings_.time_step_s(); }

  buildings::BuildingsSim& buildings() { return buildings_; }
  const buildings::BuildingsSim& buildings() const { return buildings_; }
  energy::EnergySim& energy() { return energy_; }
  const energy::EnergySim& energy() const { return energy_; }

 private:
  buildings::BuildingsSim buildings_;
  energy::EnergySim energy_;
  std::vector<EvVisit> visits_;
  std::size_t next_visit_ = 0;
};

}  // namespace parktwin::coupling

#pragma once
// The World (DESIGN.md, "One step of the World"): the subsystems of one scenario and what
// acts on them, stepped together. One step:
//   1. events due at this step (closures, signal retimings)
//   2. controllers act (signal policies)
//   3. the subsystems advance: traffic every step; buildings every building step (a whole
//      number of traffic steps, e.g. 60 s), at the start of the traffic step it begins with
//   4. coupling: EVs that ended their trip at a car park plug in (every step); the district's
//      electricity (energy) follows each buildings step, with the buildings' demand and PV
// Everything the next steps depend on lives in the subsystems' state: events already applied
// left their mark there and controllers keep nothing of their own, so a checkpoint of the
// traffic state resumes the World bit for bit.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/clock.h"
#include "sim/buildings/buildings_sim.h"
#include "sim/coupling/district.h"
#include "sim/energy/energy_sim.h"
#include "sim/energy/weather.h"
#include "sim/traffic/events.h"
#include "sim/traffic/signal_control.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin {

class World {
 public:
  // The network and demand must outlive the World. Events in any order (applied by step,
  // ties in the order given).
  World(const traffic::Network& net, const traffic::Demand& demand,
        const traffic::TrafficConfig& config, std::vector<traffic::TrafficEvent> events,
        traffic::SignalController signals);

  // Adds the buildings: the World owns their stock and weather from now on. Throws
  // parktwin::Error when the building step is not a whole number of traffic steps, or when
  // traffic has already run.
  // `offsets`: the heat waves' changes of the outdoor temperature, in any order (applied by
  // step, ties in the order given).
  void attach_buildings(std::unique_ptr<const buildings::BuildingStock> stock,
                        std::unique_ptr<const energy::WeatherSeries> weather,
                        const buildings::BuildingsConfig& config,
                        std::vector<buildings::OutdoorOffset> offsets = {});

  // Adds the district's electricity (after attach_buildings): assets, tariff and car parks
  // are the World's from now on; `outages` in any order. `seed`: of the EVs' draws. Throws
  // parktwin::Error without buildings or when traffic has already run.
  void attach_energy(std::unique_ptr<const energy::DistrictAssets> assets,
                     std::unique_ptr<const energy::Tariff> tariff,
                     std::unique_ptr<const coupling::CarParks> car_parks,
                     const energy::EnergyConfig& config, std::uint64_t seed,
                     std::vector<energy::FeederOutage> outages = {});

  void step();
  // Call after restoring a checkpoint into traffic() (and buildings()): events before its
  // step are not applied again (their effect is in the restored state).
  void restored();

  traffic::TrafficSim& traffic() { return traffic_; }
  const traffic::TrafficSim& traffic() const { return traffic_; }
  double time_s() const { return traffic_.time_s(); }
  // nullptr without buildings.
  buildings::BuildingsSim* buildings() { return buildings_.get(); }
  const buildings::BuildingsSim* buildings() const { return buildings_.get(); }
  // nullptr without energy.
  energy::EnergySim* energy() { return energy_.get(); }
  const energy::EnergySim* energy() const { return energy_.get(); }
  std::span<const traffic::TrafficEvent> events() const { return events_; }
  std::size_t events_applied() const { return next_event_; }

 private:
  traffic::TrafficSim traffic_;
  std::vector<traffic::TrafficEvent> events_;
  std::size_t next_event_ = 0;
  traffic::SignalController signals_;
  std::unique_ptr<const buildings::BuildingStock> stock_;
  std::unique_ptr<const energy::WeatherSeries> weather_;
  std::unique_ptr<buildings::BuildingsSim> buildings_;
  std::int64_t building_period_steps_ = 0;  // traffic steps per building step
  std::vector<buildings::OutdoorOffset> offsets_;
  std::size_t next_offset_ = 0;
  std::unique_ptr<const energy::DistrictAssets> assets_;
  std::unique_ptr<const energy::Tariff> tariff_;
  std::unique_ptr<const coupling::CarParks> car_parks_;
  std::unique_ptr<energy::EnergySim> energy_;
  std::uint64_t ev_seed_ = 0;
  std::vector<energy::FeederOutage> outages_;
  std::size_t next_outage_ = 0;
};

}  // namespace parktwin

#pragma once
// The World (DESIGN.md, "One step of the World"): the subsystems of one scenario and what
// acts on them, stepped together. One step:
//   1. events due at this step (closures, signal retimings)
//   2. controllers act (signal policies)
//   3. the subsystems advance: traffic every step; buildings every building step (a whole
//      number of traffic steps, e.g. 60 s), at the start of the traffic step it begins with
//   4. coupling: EVs that ended their trip at a car park plug in (every step); the district's
//      electricity (energy) follows each buildings step, with the buildings' demand and PV
// Everything the next steps depend on lives in the subsystems' and the signal controllers'
// state (save_state below): events already applied left their mark there, so a checkpoint of
// that state resumes the World bit for bit.
//
// Many Worlds may share one model (network, demand, buildings, weather, assets) and step
// concurrently, each in its own task arena (set_threads), each bit for bit as if alone:
// copy_at_start gives another World of the same scenario with another seed, snapshot and
// restore reset an episode in memory (Jolt's SaveState/RestoreState).

#include <tbb/task_arena.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
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

class World;

// An agent from outside sim/ (a learned policy in ai/) that acts on a World before each of
// its steps, through the control surfaces only: it reads observations and writes control
// buffers. It must keep no state the next steps depend on (decide from the World's state and
// step number), so checkpoints and snapshots stay complete.
class WorldAgent {
 public:
  virtual ~WorldAgent() = default;
  virtual void act(World& world) = 0;
};

// A World's state at one step, in memory: the bytes of every part its save_state visits.
// Taken again into the same object, it reuses its buffers (no allocation once sized).
// It restores into the World it was taken from or any World sharing its network and demand
// (copy_at_start) with the same subsystems.
struct WorldSnapshot {
  std::int64_t step = -1;         // -1: empty
  const void* network = nullptr;  // the model it belongs to (identity only)
  const void* demand = nullptr;
  std::vector<std::vector<unsigned char>> parts;
};

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
  void attach_buildings(std::shared_ptr<const buildings::BuildingStock> stock,
                        std::shared_ptr<const energy::WeatherSeries> weather,
                        const buildings::BuildingsConfig& config,
                        std::vector<buildings::OutdoorOffset> offsets = {});

  // Adds the district's electricity (after attach_buildings): assets, tariff and car parks
  // are the World's from now on; `outages` in any order. `seed`: of the EVs' draws. Throws
  // parktwin::Error without buildings or when traffic has already run.
  void attach_energy(std::shared_ptr<const energy::DistrictAssets> assets,
                     std::shared_ptr<const energy::Tariff> tariff,
                     std::shared_ptr<const coupling::CarParks> car_parks,
                     const energy::EnergyConfig& config, std::uint64_t seed,
                     std::vector<energy::FeederOutage> outages = {});

  void step();
  // Call after restoring a checkpoint into traffic() (and buildings()): events before its
  // step are not applied again (their effect is in the restored state).
  void restored();

  // --- many Worlds in one process
  // Caps the threads of this World's parallel loops (its own tbb::task_arena; 0: no cap of
  // its own, the process's). Results do not depend on it. Throws parktwin::Error for < 0.
  void set_threads(int threads);
  int threads() const { return threads_; }
  // A new World at t = 0 of the same scenario (events, controllers, buildings, energy) with
  // traffic and EV draws from `seed`, sharing every read-only part with this one (the
  // network and demand, which must outlive it, the building stock, weather, assets, tariff
  // and car parks). Threads: as this one's.
  std::unique_ptr<World> copy_at_start(std::uint64_t seed) const;

  // --- episodes: the whole state in memory (traffic, signal controllers, buildings, energy)
  void snapshot(WorldSnapshot& out) const;
  WorldSnapshot snapshot() const;
  // Back to the snapshot's state, bit for bit. Throws parktwin::Error (and changes nothing)
  // for an empty snapshot or one of another model (network, demand) or other subsystems.
  void restore(const WorldSnapshot& snap);

  // Checkpoints (the run file's, the snapshot's): f(name, value) for every part of the state,
  // names prefixed by subsystem ("buildings.", "energy.", "signals."), as
  // TrafficSim::save_state.
  template <class F>
  void save_state(F&& f) const {
    visit_state(*this, f);
  }
  template <class F>
  void restore_state(F&& f) {
    visit_state(*this, f);
    restored();
  }

  // The outside agent acting before each step (nullptr: none). Not copied by copy_at_start.
  void set_agent(std::shared_ptr<WorldAgent> agent) { agent_ = std::move(agent); }
  WorldAgent* agent() const { return agent_.get(); }

  traffic::SignalController& signals() { return signals_; }
  const traffic::SignalController& signals() const { return signals_; }

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
  void step_here();
  // Saves (Self const) or restores one subsystem's parts, names prefixed.
  template <bool Save, class Sub, class F>
  static void visit_part(Sub& sub, const char* prefix, F& f) {
    const auto named = [&f, prefix](const char* name, auto& value) {
      if (prefix[0] == '\0') {
        f(name, value);
      } else {
        f((std::string(prefix) + name).c_str(), value);
      }
    };
    if constexpr (Save) {
      std::as_const(sub).save_state(named);
    } else {
      sub.restore_state(named);
    }
  }
  template <class Self, class F>
  static void visit_state(Self& self, F& f) {
    constexpr bool save = std::is_const_v<Self>;
    visit_part<save>(self.traffic_, "", f);
    visit_part<save>(self.signals_, "signals.", f);
    if (self.buildings_) visit_part<save>(*self.buildings_, "buildings.", f);
    if (self.energy_) visit_part<save>(*self.energy_, "energy.", f);
  }

  traffic::TrafficSim traffic_;
  std::vector<traffic::TrafficEvent> events_;
  std::size_t next_event_ = 0;
  traffic::SignalController signals_;
  std::shared_ptr<const buildings::BuildingStock> stock_;
  std::shared_ptr<const energy::WeatherSeries> weather_;
  buildings::BuildingsConfig buildings_config_{};
  std::unique_ptr<buildings::BuildingsSim> buildings_;
  std::int64_t building_period_steps_ = 0;  // traffic steps per building step
  std::vector<buildings::OutdoorOffset> offsets_;
  std::size_t next_offset_ = 0;
  std::shared_ptr<const energy::DistrictAssets> assets_;
  std::shared_ptr<const energy::Tariff> tariff_;
  std::shared_ptr<const coupling::CarParks> car_parks_;
  energy::EnergyConfig energy_config_{};
  std::unique_ptr<energy::EnergySim> energy_;
  std::uint64_t ev_seed_ = 0;
  std::vector<energy::FeederOutage> outages_;
  std::size_t next_outage_ = 0;
  int threads_ = 0;
  std::unique_ptr<tbb::task_arena> arena_;  // with threads_ > 0
  std::shared_ptr<WorldAgent> agent_;
};

}  // namespace parktwin

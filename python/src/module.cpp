// The `parktwin._parktwin` extension: scenarios, Worlds and the vectorised signal environment
// of the C++ engine for Python (pybind11). The Python package (python/parktwin) builds its
// Gymnasium- and PettingZoo-style environments on top; see docs/python.md.
//
// Arrays: observations, masks and rewards are returned as fresh numpy arrays (an environment
// overwrites its buffers every step, and learners keep what they are given); the state of a
// World (lanes, signals, buildings) as read-only views into buffers the World owns, valid until
// its next step. Stepping releases the GIL. parktwin::Error becomes ValueError (a missing file
// FileNotFoundError), so bad input never crashes the interpreter.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ai/phase_features.h"
#include "ai/signal_env.h"
#include "engine/error.h"
#include "engine/version.h"
#include "python/src/energy_env.h"
#include "python/src/py_scenario.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/scenario_controls.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/signal_control.h"
#include "sim/world.h"

namespace py = pybind11;
using namespace parktwin;
using parktwin::python::copy_of;
using parktwin::python::Scenario;

namespace {

// The overrides Scenario.load accepts, as the manifest's keys.
void apply_override(scenarios::RunMeta& m, const std::string& key, const py::handle& value) {
  if (key == "seed") {
    m.seed = value.cast<std::uint64_t>();
  } else if (key == "duration") {
    m.duration_s = value.cast<double>();
    if (!(m.duration_s > 0.0)) throw py::value_error("duration: expected a number of seconds > 0");
  } else if (key == "signals") {
    const auto name = value.cast<std::string>();
    if (!traffic::parse_signal_policy(name)) {
      throw py::value_error(
          "signals: expected one of fixed_time, max_pressure, sotl, actuated, webster, agent "
          "(agent: driven from Python, World.set_signal_actions); found '" +
          name + "'");
    }
    m.controllers.signals = name;
    m.controllers.policy_path.clear();
    m.controllers.junctions.clear();
  } else if (key == "min_green") {
    m.controllers.min_green_s = value.cast<double>();
  } else if (key == "max_green") {
    m.controllers.max_green_s = value.cast<double>();
  } else if (key == "lane_changing") {
    m.lane_changing = value.cast<bool>();
  } else if (key == "teleport_after") {
    m.teleport_after_s = value.cast<double>();
    if (!(m.teleport_after_s >= 0.0)) {
      throw py::value_error("teleport_after: expected seconds >= 0 (0: never); found " +
                            std::to_string(m.teleport_after_s));
    }
  } else {
    throw py::key_error("unknown override '" + key +
                        "' (expected seed, duration, signals, min_green, max_green, "
                        "lane_changing, teleport_after)");
  }
}

std::shared_ptr<Scenario> load_scenario(const std::string& path, const py::kwargs& overrides) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    PyErr_SetString(PyExc_FileNotFoundError, ("no scenario manifest at '" + path + "'").c_str());
    throw py::error_already_set();
  }
  auto s = std::make_shared<Scenario>();
  s->meta = scenarios::run_meta_of(scenarios::load_manifest(path));
  for (const auto& [key, value] : overrides)
    apply_override(s->meta, key.cast<std::string>(), value);
  if (!s->meta.controllers.policy_path.empty()) {
    throw py::value_error(
        "the scenario runs its signals by a trained policy (signals = \"policy:...\"): load it "
        "with signals='fixed_time' (or another classic controller) and drive the signals with "
        "parktwin.policies.load(DIR) through an environment");
  }
  s->net = std::make_shared<const traffic::Network>(scenarios::load_network(s->meta.network_path));
  s->demand = std::make_shared<const traffic::Demand>(scenarios::load_run_demand(s->meta, *s->net));
  return s;
}

py::dict kpis_of(const World& w) {
  py::dict d;
  traffic::for_each_kpi(w.traffic().kpis(), [&](const char* name, auto value) { d[name] = value; });
  if (const buildings::BuildingsSim* b = w.buildings()) {
    py::dict db;
    db["buildings"] = b->stock().size();
    buildings::for_each_kpi(b->kpis(), [&](const char* name, auto value) { db[name] = value; });
    d["buildings"] = db;
  }
  if (const energy::EnergySim* e = w.energy()) {
    py::dict de;
    const energy::EnergyKpis ek = e->kpis();
    de["tariff"] = e->tariff().name;
    de["currency"] = e->tariff().currency;
    energy::for_each_kpi(ek, [&](const char* name, auto value) { de[name] = value; });
    py::list feeders;
    for (const energy::FeederKpis& f : ek.feeders) {
      py::dict df;
      df["name"] = f.name;
      df["capacity_kw"] = f.capacity_kw;
      df["peak_kw"] = f.peak_kw;
      df["overload_h"] = f.overload_h;
      feeders.append(df);
    }
    de["feeders"] = feeders;
    d["energy"] = de;
  }
  return d;
}

// A read-only numpy view of `v`, kept alive by `owner`.
template <class T>
py::array view(const std::vector<T>& v, const py::object& owner) {
  py::array a(py::dtype::of<T>(), {static_cast<py::ssize_t>(v.size())}, {sizeof(T)}, v.data(),
              owner);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

class PyWorld {
 public:
  PyWorld(std::shared_ptr<Scenario> scenario, std::optional<std::uint64_t> seed, int threads)
      : scenario_(std::move(scenario)) {
    if (threads < 0) throw py::value_error("threads: expected >= 0 (0: all the cores)");
    scenarios::RunMeta meta = scenario_->meta;
    if (seed) meta.seed = *seed;
    world_ = scenarios::make_world(meta, *scenario_->net, *scenario_->demand);
    world_->set_threads(threads);
    sample_ = std::make_unique<scenarios::TrafficSample>(*scenario_->net);
    if (const traffic::SignalSurface* s = world_->signals().surface()) {
      for (std::size_t a = 0; a < s->agents(); ++a) {
        if (world_->signals().policy(s->signal(a)) == traffic::SignalPolicy::agent) {
          python_agents_.push_back(a);
        }
      }
    }
  }
  void step(int n) {
    if (n < 0) throw py::value_error("n: expected >= 0 steps");
    py::gil_scoped_release release;
    for (int i = 0; i < n; ++i) world_->step();
  }
  double time_s() const { return world_->time_s(); }
  double duration_s() const { return scenario_->meta.duration_s; }
  py::dict kpis() const { return kpis_of(*world_); }
  WorldSnapshot snapshot() const { return world_->snapshot(); }
  void restore(const WorldSnapshot& s) { world_->restore(s); }

  py::dict lanes(const py::object& self) {
    sample_->take(world_->traffic());
    py::dict d;
    d["vehicles"] = view(sample_->lane_vehicles, self);
    d["halting"] = view(sample_->lane_halting, self);
    d["mean_speed_mps"] = view(sample_->lane_mean_speed_mps, self);
    return d;
  }
  py::dict signals(const py::object& self) {
    sample_->take(world_->traffic());
    py::dict d;
    d["phase"] = view(sample_->signal_phase, self);
    return d;
  }
  py::object buildings(const py::object& self) const {
    const buildings::BuildingsSim* b = world_->buildings();
    if (b == nullptr) return py::none();
    const buildings::BuildingsState& s = b->state();
    py::dict d;
    d["air_c"] = view(s.air_c, self);
    d["operative_c"] = view(s.operative_c, self);
    d["electric_w"] = view(s.electric_w, self);
    d["hvac_heat_w"] = view(s.hvac_heat_w, self);
    d["pv_w"] = view(s.pv_w, self);
    d["outdoor_c"] = s.outdoor_c;
    if (const energy::EnergySim* e = world_->energy()) {
      const energy::EnergyState& es = e->state();
      d["battery_stored_kwh"] = view(es.stored_kwh, self);
      d["battery_w"] = view(es.battery_w, self);
      d["charger_w"] = view(es.charger_w, self);
      d["import_w"] = view(es.import_w, self);
      d["export_w"] = view(es.export_w, self);
    }
    return d;
  }
  py::object feeders(const py::object& self) const {
    const energy::EnergySim* e = world_->energy();
    if (e == nullptr) return py::none();
    py::dict d;
    d["name"] = e->assets().feeder_name;
    d["load_w"] = view(e->state().feeder_w, self);
    d["capacity_w"] = view(e->assets().feeder_capacity_w, self);
    return d;
  }
  std::uint64_t state_hash() const { return world_->traffic().state_hash(); }

  // --- energy run by Python: the control surfaces of sim/energy/energy_sim.h (batteries,
  // charging caps) and sim/buildings/buildings_sim.h (HVAC set-points), one value per
  // building, NaN for the scenario's rule. Each call is checked whole before any is taken.
  energy::EnergySim& energy_sim() const {
    energy::EnergySim* e = world_->energy();
    if (e == nullptr) {
      throw py::value_error(
          "this scenario has no energy model: load one with buildings and [energy]");
    }
    return *e;
  }
  buildings::BuildingsSim& buildings_sim() const {
    buildings::BuildingsSim* b = world_->buildings();
    if (b == nullptr) throw py::value_error("this scenario has no buildings");
    return *b;
  }
  static std::vector<double> per_building(const py::array& values, std::size_t n,
                                          const char* name) {
    if (values.dtype().kind() != 'f' && values.dtype().kind() != 'i' &&
        values.dtype().kind() != 'u') {
      throw py::value_error(std::string(name) + ": expected numbers; found dtype " +
                            py::str(values.dtype()).cast<std::string>());
    }
    const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>(values);
    if (a.ndim() != 1 || static_cast<std::size_t>(a.shape(0)) != n) {
      throw py::value_error(std::string(name) + ": expected shape (" + std::to_string(n) +
                            ",), one per building");
    }
    return {a.data(), a.data() + n};
  }
  void set_battery_power(const py::array& power_w) {
    energy::EnergySim& e = energy_sim();
    e.set_battery_powers(per_building(power_w, e.assets().buildings(), "power_w"));
  }
  py::tuple battery_limits() const {
    const energy::EnergySim& e = energy_sim();
    const std::size_t n = e.assets().buildings();
    py::array_t<double> lo(static_cast<py::ssize_t>(n)), hi(static_cast<py::ssize_t>(n));
    for (std::size_t b = 0; b < n; ++b) {
      const auto [l, h] = e.battery_limits_w(static_cast<std::uint32_t>(b));
      lo.mutable_at(static_cast<py::ssize_t>(b)) = l;
      hi.mutable_at(static_cast<py::ssize_t>(b)) = h;
    }
    return py::make_tuple(lo, hi);
  }
  void set_charging_caps(const py::array& cap_w) {
    energy::EnergySim& e = energy_sim();
    e.set_charging_caps(per_building(cap_w, e.assets().buildings(), "cap_w"));
  }
  py::array_t<double> charging_cap_max() const {
    const energy::EnergySim& e = energy_sim();
    const std::size_t n = e.assets().buildings();
    py::array_t<double> out(static_cast<py::ssize_t>(n));
    for (std::size_t b = 0; b < n; ++b) {
      out.mutable_at(static_cast<py::ssize_t>(b)) =
          e.charging_cap_max_w(static_cast<std::uint32_t>(b));
    }
    return out;
  }
  void set_hvac_setpoints(const py::array& heating_c, const py::array& cooling_c) {
    buildings::BuildingsSim& sim = buildings_sim();
    const std::size_t n = sim.stock().size();
    sim.set_hvac_setpoints(per_building(heating_c, n, "heating_c"),
                           per_building(cooling_c, n, "cooling_c"));
  }
  py::dict hvac_setpoint_range() const {
    const buildings::BuildingsConfig& c = buildings_sim().config();
    py::dict d;
    d["heating_c"] = py::make_tuple(c.agent_heating_min_c, c.agent_heating_max_c);
    d["cooling_c"] = py::make_tuple(c.agent_cooling_min_c, c.agent_cooling_max_c);
    return d;
  }

  // --- signals run by Python (signals = "agent"): the control surface of ai/signal_env.h.
  // Its agents that Python drives (sotl or actuated signals share the surface), in order.
  traffic::SignalSurface& surface() const {
    traffic::SignalSurface* s = world_->signals().surface();
    if (s == nullptr || python_agents_.empty()) {
      throw py::value_error(
          "no signal is left to Python: load the scenario with signals='agent' (or give "
          "junctions the agent policy in [controllers.junctions])");
    }
    return *s;
  }
  std::vector<std::string> signal_agents() const {
    const traffic::SignalSurface& s = surface();
    std::vector<std::string> ids;
    for (const std::size_t a : python_agents_) {
      ids.push_back(scenario_->net->junction_id[scenario_->net->signal_junction[s.signal(a)]]);
    }
    return ids;
  }
  // Per agent signal (in signal_agents() order): its greens (plan phase indices) and the mask
  // of those the engine would honour now.
  py::list signal_greens() const {
    const traffic::SignalSurface& s = surface();
    py::list out;
    for (const std::size_t a : python_agents_) {
      const auto g = s.greens(a);
      out.append(std::vector<std::uint32_t>(g.begin(), g.end()));
    }
    return out;
  }
  py::array_t<bool> signal_action_mask() const {
    const traffic::SignalSurface& s = surface();
    const std::size_t slots = s.action_slots();
    std::vector<std::uint8_t> mask(s.agents() * slots);
    s.action_masks(world_->traffic(), mask);
    py::array_t<bool> out(
        {static_cast<py::ssize_t>(python_agents_.size()), static_cast<py::ssize_t>(slots)});
    for (std::size_t row = 0; row < python_agents_.size(); ++row) {
      for (std::size_t k = 0; k < slots; ++k) {
        out.mutable_at(static_cast<py::ssize_t>(row), static_cast<py::ssize_t>(k)) =
            mask[python_agents_[row] * slots + k] != 0;
      }
    }
    return out;
  }
  // actions: one per agent signal, an index into its greens, or -1 to keep the current one.
  // Stands until changed; the engine keeps minimum and maximum greens and runs clearances.
  // Checked whole before any is written.
  void set_signal_actions(const py::array& actions) {
    traffic::SignalSurface& s = surface();
    if (actions.dtype().kind() != 'i' && actions.dtype().kind() != 'u') {
      throw py::value_error(
          "actions: expected integers (an index into each signal's greens, -1 to keep); found "
          "dtype " +
          py::str(actions.dtype()).cast<std::string>());
    }
    const auto a = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>(actions);
    const std::size_t n = python_agents_.size();
    if (a.ndim() != 1 || static_cast<std::size_t>(a.shape(0)) != n) {
      throw py::value_error("actions: expected shape (" + std::to_string(n) +
                            ",), one per agent signal");
    }
    for (std::size_t row = 0; row < n; ++row) {
      const std::int64_t v = a.at(static_cast<py::ssize_t>(row));
      const std::size_t greens = s.greens(python_agents_[row]).size();
      if (v < -1 || v >= static_cast<std::int64_t>(greens)) {
        throw py::value_error("action for signal " + std::to_string(row) + ": expected -1.." +
                              std::to_string(greens - 1) + "; found " + std::to_string(v));
      }
    }
    for (std::size_t row = 0; row < n; ++row) {
      s.ctrl()[python_agents_[row]] =
          static_cast<std::int32_t>(a.at(static_cast<py::ssize_t>(row)));
    }
  }

 private:
  std::shared_ptr<Scenario> scenario_;
  std::unique_ptr<World> world_;
  std::vector<std::size_t> python_agents_;  // surface agents whose policy is `agent`
  std::unique_ptr<scenarios::TrafficSample> sample_;
};

// The C++ vectorised signal environment (ai/signal_env.h), K copies stepped in C++ threads.
class PyVecEnv {
 public:
  PyVecEnv(std::shared_ptr<Scenario> scenario, int copies, int threads, std::uint64_t first_seed,
           double decision_s, std::optional<double> episode_s, const std::string& reward,
           double reward_scale, double neighbour_reward, std::vector<double> demand_scales,
           double jitter_s, std::optional<double> min_green_s, std::optional<double> max_green_s)
      : scenario_(std::move(scenario)) {
    if (copies < 1 || copies > 4096) throw py::value_error("copies: expected 1..4096");
    if (threads < 1) throw py::value_error("threads: expected >= 1");
    traffic::RewardKind kind{};
    if (!traffic::parse_reward_kind(reward, kind)) {
      throw py::value_error("reward: expected one of queue, pressure, wait_change, delay; found '" +
                            reward + "'");
    }
    ai::EnvOptions o;
    o.decision_s = decision_s;
    o.episode_s = episode_s.value_or(scenario_->meta.duration_s);
    o.reward = kind;
    o.reward_scale = reward_scale;
    o.neighbour_reward = neighbour_reward;
    o.demand_scales = std::move(demand_scales);
    o.jitter_s = jitter_s;
    o.min_green_s = min_green_s.value_or(scenario_->meta.controllers.min_green_s);
    o.max_green_s = max_green_s.value_or(scenario_->meta.controllers.max_green_s);
    traffic::TrafficConfig traffic;
    traffic.step_s = scenario_->meta.step_s;
    traffic.lane_changing = scenario_->meta.lane_changing;
    traffic.teleport_after_s = scenario_->meta.teleport_after_s;
    env_ = std::make_unique<ai::SignalVecEnv>(*scenario_->net, *scenario_->demand, traffic, o,
                                              copies, threads, first_seed);
    actions_.resize(env_->copies() * env_->agents());
  }

  std::size_t copies() const { return env_->copies(); }
  std::size_t agents() const { return env_->agents(); }
  std::size_t phase_slots() const { return env_->phase_slots(); }
  std::vector<std::string> agent_ids() const {
    std::vector<std::string> ids;
    const traffic::SignalSurface& s = env_->surface();
    for (std::size_t a = 0; a < s.agents(); ++a) {
      ids.push_back(scenario_->net->junction_id[scenario_->net->signal_junction[s.signal(a)]]);
    }
    return ids;
  }
  std::vector<std::size_t> greens() const {
    std::vector<std::size_t> n;
    for (std::size_t a = 0; a < env_->agents(); ++a) n.push_back(env_->surface().greens(a).size());
    return n;
  }
  std::vector<py::ssize_t> obs_shape() const {
    return {static_cast<py::ssize_t>(copies()), static_cast<py::ssize_t>(agents()),
            static_cast<py::ssize_t>(phase_slots()), static_cast<py::ssize_t>(ai::kPhaseFeatures)};
  }
  std::vector<py::ssize_t> mask_shape() const {
    return {static_cast<py::ssize_t>(copies()), static_cast<py::ssize_t>(agents()),
            static_cast<py::ssize_t>(phase_slots())};
  }
  py::array_t<float> observations() const { return copy_of(env_->features(), obs_shape()); }
  py::array_t<bool> masks() const { return bools(env_->masks()); }
  py::array_t<float> final_observations() const {
    return copy_of(env_->final_features(), obs_shape());
  }
  py::array_t<bool> final_masks() const { return bools(env_->final_masks()); }
  py::array_t<float> rewards() const {
    return copy_of(env_->rewards(),
                   {static_cast<py::ssize_t>(copies()), static_cast<py::ssize_t>(agents())});
  }
  py::array_t<bool> dones() const {
    return python::bools_of(env_->dones(), {static_cast<py::ssize_t>(copies())});
  }

  // actions: integers of shape (copies, agents), each an index into the agent's greens.
  void step(const py::array& actions) {
    if (!py::isinstance<py::array_t<std::int64_t>>(actions) &&
        !py::isinstance<py::array_t<std::int32_t>>(actions) && actions.dtype().kind() != 'i' &&
        actions.dtype().kind() != 'u') {
      throw py::value_error(
          "actions: expected integers (an index into each agent's greens); "
          "found dtype " +
          py::str(actions.dtype()).cast<std::string>());
    }
    const auto a = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>(actions);
    if (a.ndim() != 2 || static_cast<std::size_t>(a.shape(0)) != copies() ||
        static_cast<std::size_t>(a.shape(1)) != agents()) {
      throw py::value_error(
          "actions: expected shape (" + std::to_string(copies()) + ", " + std::to_string(agents()) +
          "); found " +
          py::str(py::tuple(py::cast(std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim()))))
              .cast<std::string>());
    }
    const auto n = greens();
    for (std::size_t c = 0; c < copies(); ++c) {
      for (std::size_t g = 0; g < agents(); ++g) {
        const std::int64_t v = a.at(static_cast<py::ssize_t>(c), static_cast<py::ssize_t>(g));
        if (v < 0 || v >= static_cast<std::int64_t>(n[g])) {
          throw py::value_error("action for agent " + std::to_string(g) + " of copy " +
                                std::to_string(c) + ": expected 0.." + std::to_string(n[g] - 1) +
                                " (its greens); found " + std::to_string(v));
        }
        actions_[c * agents() + g] = static_cast<std::int32_t>(v);
      }
    }
    py::gil_scoped_release release;
    env_->step(actions_);
  }

  py::list finished() const {
    py::list out;
    for (const ai::EpisodeResult& e : env_->finished()) {
      py::dict d;
      d["seed"] = e.seed;
      d["demand_scale"] = e.demand_scale;
      d["reward_sum"] = e.reward_sum;
      d["average_travel_time_s"] = e.kpis.average_travel_time_s;
      d["finished"] = e.kpis.finished;
      out.append(d);
    }
    return out;
  }

 private:
  py::array_t<bool> bools(std::span<const std::uint8_t> v) const {
    return python::bools_of(v, mask_shape());
  }

  std::shared_ptr<Scenario> scenario_;
  std::unique_ptr<ai::SignalVecEnv> env_;
  std::vector<std::int32_t> actions_;
};

}  // namespace

PYBIND11_MODULE(_parktwin, m) {
  m.doc() =
      "parktwin's C++ engine: scenarios, Worlds and vectorised signal and energy environments";
  m.attr("__version__") = std::string(version());
  m.attr("PHASE_FEATURES") = ai::kPhaseFeatures;

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  py::class_<Scenario, std::shared_ptr<Scenario>>(m, "Scenario")
      .def_static("load", &load_scenario, py::arg("path"),
                  "Loads a scenario manifest; keyword overrides: seed, duration, signals, "
                  "min_green, max_green, lane_changing, teleport_after")
      .def_property_readonly("name", [](const Scenario& s) { return s.meta.scenario; })
      .def_property_readonly("path", [](const Scenario& s) { return s.meta.scenario_path; })
      .def_property_readonly("seed", [](const Scenario& s) { return s.meta.seed; })
      .def_property_readonly("duration_s", [](const Scenario& s) { return s.meta.duration_s; })
      .def_property_readonly("step_s", [](const Scenario& s) { return s.meta.step_s; })
      .def_property_readonly("signals",
                             [](const Scenario& s) { return s.meta.controllers.signals; })
      .def_property_readonly("trips", [](const Scenario& s) { return s.demand->trip_count(); })
      .def_property_readonly(
          "lane_ids",
          [](const Scenario& s) {
            std::vector<std::string> ids;
            const traffic::Network& n = *s.net;
            for (traffic::Index l = 0; l < n.lane_count(); ++l) {
              ids.push_back(n.road_id[n.lane_road[l]] + "_" + std::to_string(n.lane_index[l]));
            }
            return ids;
          })
      .def_property_readonly("signal_junctions", [](const Scenario& s) {
        std::vector<std::string> ids;
        for (const traffic::Index j : s.net->signal_junction) ids.push_back(s.net->junction_id[j]);
        return ids;
      });

  py::class_<WorldSnapshot>(m, "Snapshot")
      .def_property_readonly("step", [](const WorldSnapshot& s) { return s.step; });

  py::class_<PyWorld>(m, "World")
      .def(py::init<std::shared_ptr<Scenario>, std::optional<std::uint64_t>, int>(),
           py::arg("scenario"), py::arg("seed") = py::none(), py::arg("threads") = 1)
      .def("step", &PyWorld::step, py::arg("n") = 1)
      .def_property_readonly("time_s", &PyWorld::time_s)
      .def_property_readonly("duration_s", &PyWorld::duration_s)
      .def("kpis", &PyWorld::kpis)
      .def("snapshot", &PyWorld::snapshot)
      .def("restore", &PyWorld::restore, py::arg("snapshot"))
      .def("lanes", [](py::object self) { return self.cast<PyWorld&>().lanes(self); })
      .def("signals", [](py::object self) { return self.cast<PyWorld&>().signals(self); })
      .def("buildings", [](py::object self) { return self.cast<PyWorld&>().buildings(self); })
      .def("feeders", [](py::object self) { return self.cast<PyWorld&>().feeders(self); })
      .def("state_hash", &PyWorld::state_hash)
      .def("set_battery_power", &PyWorld::set_battery_power, py::arg("power_w"))
      .def("battery_limits", &PyWorld::battery_limits)
      .def("set_charging_caps", &PyWorld::set_charging_caps, py::arg("cap_w"))
      .def("charging_cap_max", &PyWorld::charging_cap_max)
      .def("set_hvac_setpoints", &PyWorld::set_hvac_setpoints, py::arg("heating_c"),
           py::arg("cooling_c"))
      .def("hvac_setpoint_range", &PyWorld::hvac_setpoint_range)
      .def_property_readonly("signal_agents", &PyWorld::signal_agents)
      .def_property_readonly("signal_greens", &PyWorld::signal_greens)
      .def("signal_action_mask", &PyWorld::signal_action_mask)
      .def("set_signal_actions", &PyWorld::set_signal_actions, py::arg("actions"));

  python::bind_energy_env(m);

  py::class_<PyVecEnv>(m, "SignalVecEnv")
      .def(py::init<std::shared_ptr<Scenario>, int, int, std::uint64_t, double,
                    std::optional<double>, const std::string&, double, double, std::vector<double>,
                    double, std::optional<double>, std::optional<double>>(),
           py::arg("scenario"), py::arg("copies") = 1, py::arg("threads") = 1,
           py::arg("first_seed") = 1, py::arg("decision_s") = 5.0,
           py::arg("episode_s") = py::none(), py::arg("reward") = "queue",
           py::arg("reward_scale") = 0.1, py::arg("neighbour_reward") = 0.5,
           py::arg("demand_scales") = std::vector<double>{1.0}, py::arg("jitter_s") = 30.0,
           py::arg("min_green_s") = py::none(), py::arg("max_green_s") = py::none())
      .def_property_readonly("copies", &PyVecEnv::copies)
      .def_property_readonly("agents", &PyVecEnv::agents)
      .def_property_readonly("phase_slots", &PyVecEnv::phase_slots)
      .def_property_readonly("agent_ids", &PyVecEnv::agent_ids)
      .def_property_readonly("greens", &PyVecEnv::greens)
      .def("observations", &PyVecEnv::observations)
      .def("masks", &PyVecEnv::masks)
      .def("final_observations", &PyVecEnv::final_observations)
      .def("final_masks", &PyVecEnv::final_masks)
      .def("rewards", &PyVecEnv::rewards)
      .def("dones", &PyVecEnv::dones)
      .def("step", &PyVecEnv::step, py::arg("actions"))
      .def("finished", &PyVecEnv::finished);
}

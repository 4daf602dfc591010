// `_parktwin.EnergyVecEnv`: the C++ energy environment (ai/energy_env.h), K copies of a
// scenario's district stepped in C++ threads with the GIL released. The scenario's traffic
// days are simulated once, when the environment is made; reset() makes new copies over them.

#include "python/src/energy_env.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ai/energy_env.h"
#include "python/src/py_scenario.h"
#include "scenarios/run_world.h"

namespace parktwin::python {

namespace {

class PyEnergyEnv {
 public:
  PyEnergyEnv(std::shared_ptr<Scenario> scenario, int copies, int threads, std::uint64_t first_seed,
              const std::string& control, std::optional<std::string> rules, double decision_s,
              int episode_days, std::optional<std::vector<int>> start_days, int traffic_days,
              double departure_noise_h, double w_cost, double w_co2, double w_discomfort,
              double w_unserved, double w_overload)
      : scenario_(std::move(scenario)), copies_(copies), threads_(threads) {
    if (copies < 1 || copies > 1024) throw py::value_error("copies: expected 1..1024");
    if (threads < 1) throw py::value_error("threads: expected >= 1");
    if (!ai::parse_energy_control(control, options_.control)) {
      throw py::value_error(
          "control: expected one of hvac, battery, charging, energy, none; found '" + control +
          "'");
    }
    const scenarios::RunMeta& meta = scenario_->meta;
    energy::parse_battery_policy(meta.controllers.batteries, options_.rules.batteries);
    energy::parse_charging_policy(meta.controllers.charging, options_.rules.charging);
    if (rules && !ai::parse_energy_rules(*rules, options_.rules)) {
      throw py::value_error(
          "rules: expected BATTERY+CHARGING+HVAC (e.g. time_of_use+immediate+schedule); found '" +
          *rules + "'");
    }
    options_.decision_s = decision_s;
    options_.episode_days = episode_days;
    if (start_days) options_.start_days = *start_days;
    options_.traffic_days = traffic_days;
    options_.departure_noise_h = departure_noise_h;
    for (const auto& [name, w] :
         {std::pair{"w_cost", w_cost}, std::pair{"w_co2", w_co2},
          std::pair{"w_discomfort", w_discomfort}, std::pair{"w_unserved", w_unserved},
          std::pair{"w_overload", w_overload}}) {
      if (!(w >= 0.0) || !std::isfinite(w)) {
        throw py::value_error(std::string(name) + ": expected a finite weight >= 0");
      }
    }
    options_.reward = {w_cost, w_co2, w_discomfort, w_unserved, w_overload, 1.0};
    {
      py::gil_scoped_release release;
      energy_ = std::make_unique<ai::EnergyScenario>(
          scenarios::make_world(meta, *scenario_->net, *scenario_->demand), meta.duration_s,
          traffic_days);
    }
    reset(first_seed);
  }

  void reset(std::uint64_t first_seed) {
    env_.reset();
    env_ = std::make_unique<ai::EnergyVecEnv>(*energy_, options_, copies_, threads_, first_seed);
    actions_.assign(env_->copies() * env_->agents() * ai::kEnergyActions, 0.0f);
  }

  std::size_t copies() const { return env_->copies(); }
  std::size_t agents() const { return env_->agents(); }
  int decisions_per_episode() const { return env_->decisions_per_episode(); }
  std::vector<std::string> building_ids() const { return energy_->world().buildings()->stock().id; }
  std::string rules() const { return ai::energy_rules_name(options_.rules); }
  std::string control() const { return ai::energy_control_name(options_.control); }

  py::array_t<float> observations() const { return copy_of(env_->observations(), obs_shape()); }
  py::array_t<float> final_observations() const {
    return copy_of(env_->final_observations(), obs_shape());
  }
  py::array_t<bool> action_mask() const {
    return bools_of(env_->action_mask(), {static_cast<py::ssize_t>(agents()),
                                          static_cast<py::ssize_t>(ai::kEnergyActions)});
  }
  py::array_t<float> rewards() const {
    return copy_of(env_->rewards(),
                   {static_cast<py::ssize_t>(copies()), static_cast<py::ssize_t>(agents())});
  }
  py::array_t<bool> dones() const {
    return bools_of(env_->dones(), {static_cast<py::ssize_t>(copies())});
  }

  // actions: floats of shape (copies, agents, 3), each in [-1, 1] (beyond: clipped).
  void step(const py::array& actions) {
    if (actions.dtype().kind() != 'f' && actions.dtype().kind() != 'i' &&
        actions.dtype().kind() != 'u') {
      throw py::value_error("actions: expected numbers in [-1, 1]; found dtype " +
                            py::str(actions.dtype()).cast<std::string>());
    }
    const auto a = py::array_t<float, py::array::c_style | py::array::forcecast>(actions);
    if (a.ndim() != 3 || static_cast<std::size_t>(a.shape(0)) != copies() ||
        static_cast<std::size_t>(a.shape(1)) != agents() ||
        static_cast<std::size_t>(a.shape(2)) != ai::kEnergyActions) {
      throw py::value_error(
          "actions: expected shape (" + std::to_string(copies()) + ", " + std::to_string(agents()) +
          ", 3); found " +
          py::str(py::tuple(py::cast(std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim()))))
              .cast<std::string>());
    }
    std::copy(a.data(), a.data() + actions_.size(), actions_.begin());
    py::gil_scoped_release release;
    env_->step(actions_);
  }

  py::list finished() const {
    py::list out;
    for (const ai::EnergyEpisodeResult& e : env_->finished()) {
      py::dict d;
      d["seed"] = e.seed;
      d["start_day"] = e.start_day;
      d["reward_sum"] = e.reward_sum;
      d["cost"] = e.cost;
      d["co2_kg"] = e.co2_kg;
      d["discomfort_kh"] = e.discomfort_kh;
      d["ev_delivered_kwh"] = e.ev_delivered_kwh;
      d["ev_unserved_kwh"] = e.ev_unserved_kwh;
      d["feeder_overload_h"] = e.feeder_overload_h;
      d["overload_kwh"] = e.overload_kwh;
      d["peak_import_kw"] = e.peak_import_kw;
      out.append(d);
    }
    return out;
  }

 private:
  std::vector<py::ssize_t> obs_shape() const {
    return {static_cast<py::ssize_t>(copies()), static_cast<py::ssize_t>(agents()),
            static_cast<py::ssize_t>(ai::kEnergyFeatures)};
  }

  std::shared_ptr<Scenario> scenario_;
  int copies_, threads_;
  ai::EnergyEnvOptions options_;
  std::unique_ptr<ai::EnergyScenario> energy_;
  std::unique_ptr<ai::EnergyVecEnv> env_;
  std::vector<float> actions_;
};

}  // namespace

void bind_energy_env(py::module_& m) {
  m.attr("ENERGY_FEATURES") = ai::kEnergyFeatures;
  m.attr("ENERGY_ACTIONS") = ai::kEnergyActions;
  py::list weeks;
  for (const ai::EvaluationWeek& w : ai::kEvaluationWeeks) {
    weeks.append(py::make_tuple(w.name, w.start_day));
  }
  m.attr("EVALUATION_WEEKS") = weeks;
  py::class_<PyEnergyEnv>(m, "EnergyVecEnv")
      .def(py::init<std::shared_ptr<Scenario>, int, int, std::uint64_t, const std::string&,
                    std::optional<std::string>, double, int, std::optional<std::vector<int>>, int,
                    double, double, double, double, double, double>(),
           py::arg("scenario"), py::arg("copies") = 1, py::arg("threads") = 1,
           py::arg("first_seed") = 1, py::arg("control") = "energy", py::arg("rules") = py::none(),
           py::arg("decision_s") = 900.0, py::arg("episode_days") = 7,
           py::arg("start_days") = py::none(), py::arg("traffic_days") = 4,
           py::arg("departure_noise_h") = 0.5, py::arg("w_cost") = 1.0, py::arg("w_co2") = 0.1,
           py::arg("w_discomfort") = 50.0, py::arg("w_unserved") = 5.0, py::arg("w_overload") = 1.0)
      .def("reset", &PyEnergyEnv::reset, py::arg("first_seed"))
      .def_property_readonly("copies", &PyEnergyEnv::copies)
      .def_property_readonly("agents", &PyEnergyEnv::agents)
      .def_property_readonly("decisions_per_episode", &PyEnergyEnv::decisions_per_episode)
      .def_property_readonly("building_ids", &PyEnergyEnv::building_ids)
      .def_property_readonly("rules", &PyEnergyEnv::rules)
      .def_property_readonly("control", &PyEnergyEnv::control)
      .def("observations", &PyEnergyEnv::observations)
      .def("final_observations", &PyEnergyEnv::final_observations)
      .def("action_mask", &PyEnergyEnv::action_mask)
      .def("rewards", &PyEnergyEnv::rewards)
      .def("dones", &PyEnergyEnv::dones)
      .def("step", &PyEnergyEnv::step, py::arg("actions"))
      .def("finished", &PyEnergyEnv::finished);
}

}  // namespace parktwin::python

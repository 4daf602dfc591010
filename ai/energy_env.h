#pragma once
// The vectorised energy-control environment (issue 19): K copies of a scenario's district
// (buildings, batteries, chargers, feeders: coupling::EnergyDistrict), every building an
// agent, one decision every decision_s (15 minutes by default), each copy in its own episode
// with Gymnasium's autoreset, as the signal environment (ai/signal_env.h).
//
// An episode is a window of the weather year: episode_days days from 00:00 of a start day
// drawn (seeded) from start_days, so that a policy is trained on some weeks and evaluated on
// others. Its EVs come from the scenario's traffic: the scenario is run traffic_days times
// (seeds 1..traffic_days) at construction, the EVs that park at each car park recorded (where,
// when, for how long, needing what: coupling::ev_visits_of), and every day of an episode
// replays one of those days (drawn). A road closure or a larger EV share in the scenario thus
// changes the charging each car park sees.
//
// Observations (kEnergyFeatures per building, documented in docs/ai.md, "Energy
// environment"): time of day and week, outdoor temperature and irradiance now and ahead, the
// zone's temperature against its schedule's set-points, occupancy now and ahead, the price
// and carbon intensity now and over the next hours, the hours to the next peak period, the
// battery's state of charge, the building's demand and PV, the EVs plugged in with the energy
// they still want and their departures (a forecast: the true time plus a seeded error of
// departure_noise_h), and the feeder's loading.
//
// Actions (kEnergyActions per building, each in [-1, 1], values beyond clipped), each acting
// only where the building has the asset and the agent controls it (action_mask). Near zero
// each hands its asset to the rule (EnergyRules), so that a policy of zeros is the rules and a
// learner starts from them (residual policy learning: Silver, Allen, Tenenbaum & Kaelbling,
// arXiv:1812.06298, 2018; Johannink et al., ICRA 2019):
//   0 battery: |a| < kActionDeadband: the rule; else power = a x its rating (+ charging),
//     within what its charge allows;
//   1 charging: |a| < kActionDeadband: the rule; below, the car park's cap = (a + 1) / (1 -
//     kActionDeadband) x its chargers' power (0 at a = -1); above, its chargers' full power
//     (a cap at their sum: whatever the rule would hold back for the feeder). A cap is shared
//     least laxity first (EnergySim::share_caps);
//   2 HVAC: the rule's set-points (the schedule's, or pre-cooling's) moved by a x
//     kHvacOffsetMaxK (K) from kHvacOffsetDeadbandK on, kept within the scenario's safe range
//     and, while occupied, within the comfort band (cooling at most its upper edge, heating
//     at least its lower), while the building is occupied or will be within kPrecoolHours
//     (its set-back hours before that stay the rule's: what they save comes back as
//     discomfort hours later, beyond what a learner's horizon credits).
// What the agent does not control follows the rules (EnergyRules).
//
// Rewards per building and decision (negative costs, documented weights): its electricity
// cost, CO2, discomfort (degree-hours outside the comfort band while occupied), charging
// energy its EVs will leave without (counted when it becomes certain: what even full power
// until departure can no longer deliver), and its share of the energy its feeder carried
// beyond its capacity (shared in proportion to the buildings' draw at each step: an agent
// answers for what its own load adds to an overload, not for its neighbours').
//
// Deterministic: copies step in parallel, each writing its own slots; every output is the same
// for any thread count.

#include <tbb/task_arena.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ai/energy_surface.h"
#include "sim/coupling/energy_district.h"
#include "sim/world.h"

namespace parktwin::ai {

// Reward weights: reward = -(cost + co2 x kg + discomfort x Kh + unserved x kWh + overload x
// kWh) x scale, per building (its share of its feeder's energy beyond capacity).
struct EnergyRewardWeights {
  double cost = 1.0;  // per CNY (the tariff's currency)
  double co2 = 0.1;   // per kg CO2 (0.1 CNY/kg: a carbon price of 100 CNY/t)
  // Assumed prices of what is not bought: a degree-hour outside the band in an occupied
  // building, and a kWh an EV leaves without, both well above what the energy to avoid them
  // costs, so that a policy saves money only where comfort and charging do not suffer.
  double discomfort = 50.0;  // per degree-hour
  double unserved = 5.0;     // per kWh an EV left without
  double overload = 1.0;     // per kWh of its share of its feeder's overload
  double scale = 1.0;
};

struct EnergyEnvOptions {
  double decision_s = 900.0;
  int episode_days = 7;
  // Days of the year (0 = 1 January) an episode may start on; empty: every day whose window
  // avoids the evaluation weeks (kEvaluationWeeks).
  std::vector<int> start_days;
  int traffic_days = 4;            // days of the scenario's traffic replayed
  double departure_noise_h = 0.5;  // standard deviation of the departure forecast's error
  EnergyControl control{true, true, true};
  EnergyRules rules;
  EnergyRewardWeights reward;
};

// Every combination of the rules (4 battery x 4 charging x 2 HVAC), in a fixed order.
std::vector<EnergyRules> all_energy_rules();

// The weeks held out of training: a summer and a winter week (day of the year of their first
// day, and a name).
struct EvaluationWeek {
  const char* name;
  int start_day;
};
inline constexpr EvaluationWeek kEvaluationWeeks[] = {{"summer", 214}, {"winter", 11}};
// Validation episodes' seeds for the energy learners (evaluation uses 1, 2, ...; training
// kTrainingSeeds on).
inline constexpr std::uint64_t kEnergyValidationSeeds = 500'000;
// Every day of a year of `days` whose window of `episode_days` days misses the evaluation weeks.
std::vector<int> training_start_days(int episode_days, int days = 365);

struct EnergyEpisodeResult {
  std::uint64_t seed = 0;
  int start_day = 0;
  double reward_sum = 0.0;  // over buildings and decisions
  double cost = 0.0, co2_kg = 0.0, discomfort_kh = 0.0;
  double ev_delivered_kwh = 0.0, ev_unserved_kwh = 0.0, feeder_overload_h = 0.0;
  double overload_kwh = 0.0;  // carried beyond the feeders' capacity
  double import_kwh = 0.0, peak_import_kw = 0.0, charging_kwh = 0.0;
};

// What an episode cost at the reward's weights (cost, CO2, discomfort, unserved charging and
// overload energy): lower is better. The best rules of a week are those with the lowest.
double energy_score(const EnergyEpisodeResult& r, const EnergyRewardWeights& w);

// What the rules or an agent make of a district, with its recorded traffic days: built once
// per scenario, shared by environments (read-only).
class EnergyScenario {
 public:
  // `world`: the scenario's World at t = 0 with buildings and energy (scenarios::make_world),
  // run for traffic_s seconds per traffic day. Throws parktwin::Error for a World without
  // energy, or traffic_days < 1.
  EnergyScenario(std::unique_ptr<World> world, double traffic_s, int traffic_days);
  const World& world() const { return *world_; }
  std::size_t buildings() const;
  // Day d's visits, arrivals from local midnight.
  const std::vector<coupling::EvVisit>& traffic_day(std::size_t d) const { return days_[d]; }
  std::size_t traffic_days() const { return days_.size(); }
  int year() const;

 private:
  std::unique_ptr<World> world_;
  std::vector<std::vector<coupling::EvVisit>> days_;
};

class EnergyVecEnv {
 public:
  // `scenario` must outlive the environment. Copy c's e-th episode has the seed
  // first_seed + e * copies + c. Throws parktwin::Error for bad options (a decision interval
  // that is not a whole number of building steps, no start days, a start day outside the
  // year, episode_days < 1).
  EnergyVecEnv(const EnergyScenario& scenario, EnergyEnvOptions options, int copies, int threads,
               std::uint64_t first_seed);

  std::size_t copies() const { return slots_.size(); }
  std::size_t agents() const { return agents_; }
  const EnergyEnvOptions& options() const { return options_; }
  int decisions_per_episode() const { return episode_decisions_; }

  // copies x agents x kEnergyFeatures; mask agents x kEnergyActions (1: the action acts).
  std::span<const float> observations() const { return obs_; }
  std::span<const std::uint8_t> action_mask() const { return mask_; }
  // Applies copies x agents x kEnergyActions actions, steps every copy one decision, fills
  // rewards() (copies x agents) and dones() (copies). Throws parktwin::Error for a span of
  // another size or a NaN action.
  void step(std::span<const float> actions);
  std::span<const float> rewards() const { return rewards_; }
  std::span<const std::uint8_t> dones() const { return dones_; }
  std::span<const float> final_observations() const { return final_obs_; }
  const std::vector<EnergyEpisodeResult>& finished() const { return finished_; }
  std::uint64_t decisions() const { return decisions_; }
  // Copy c's district now (for tests and views).
  const coupling::EnergyDistrict& district(std::size_t c) const { return *slots_[c].district; }
  // Starts every copy afresh at its episode `episode_index` (as SignalVecEnv::restart_at).
  void restart_at(std::uint64_t episode_index);

 private:
  struct Slot {
    std::unique_ptr<coupling::EnergyDistrict> district;
    std::uint64_t episode_index = 0, seed = 0;
    int start_day = 0;
    int decision = 0;
    double reward_sum = 0.0;
    std::vector<coupling::EvVisit> visits;  // sorted by arrival: session i is visits[i]
    std::vector<std::uint32_t> by_departure;
    std::size_t departed = 0;
    // Per building: the KPIs at the last decision; unserved charging of the cars gone, and
    // with what the cars still here can no longer get (reward).
    std::vector<double> prev_cost, prev_co2, prev_discomfort, unserved, unserved_now, prev_unserved;
    std::vector<double> overload_kwh;  // per building, since the last decision
    double overload_total_kwh = 0.0;
    std::vector<double> feeder_import_w, feeder_export_w;  // per feeder, scratch
  };
  void start(std::size_t c);
  void act(std::size_t c, std::span<const float> actions);
  void observe(std::size_t c, std::span<float> out) const;
  void reward(std::size_t c);
  void accumulate_overload(std::size_t c);  // after each building step
  EnergyEpisodeResult result_of(const Slot& s) const;

  const EnergyScenario& scenario_;
  EnergyEnvOptions options_;
  std::uint64_t first_seed_;
  std::size_t agents_ = 0;
  int interval_steps_ = 0, episode_decisions_ = 0;
  std::vector<Slot> slots_;
  std::vector<float> obs_, final_obs_, rewards_;
  std::vector<std::uint8_t> mask_, dones_;
  std::vector<EnergyEpisodeResult> finished_, ended_;
  std::uint64_t decisions_ = 0;
  tbb::task_arena arena_;
};

// A policy's actions for observations: (observations agents x kEnergyFeatures of one copy,
// mask, actions out agents x kEnergyActions).
using EnergyPolicyFn =
    std::function<void(std::span<const float>, std::span<const std::uint8_t>, std::span<float>)>;

// One episode of the window starting on `start_day` with episode seed `seed`, acted on by
// `policy` (may be empty when options.control drives nothing).
EnergyEpisodeResult run_energy_episode(const EnergyScenario& scenario, EnergyEnvOptions options,
                                       int start_day, std::uint64_t seed,
                                       const EnergyPolicyFn& policy, int threads = 1);

}  // namespace parktwin::ai

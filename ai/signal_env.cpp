// The vectorised signal-control environment. See signal_env.h.

#include "ai/signal_env.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "engine/error.h"
#include "engine/parallel.h"
#include "sim/traffic/demand_scaling.h"

namespace parktwin::ai {

namespace {

// n seconds as a whole number of steps, or an error naming the option.
int whole_steps(double seconds, double step_s, const char* option) {
  const double n = seconds / step_s;
  if (!(n >= 1.0) || std::abs(n - std::round(n)) > 1e-9 || n > 1e9) {
    throw Error("not a whole number of simulation steps")
        .field(option)
        .expected(fmt::format("a multiple of the step ({} s), at least one step", step_s))
        .found(fmt::format("{} s", seconds));
  }
  return static_cast<int>(std::lround(n));
}

}  // namespace

Episode make_episode(const traffic::Network& net, const traffic::Demand& base,
                     const traffic::TrafficConfig& traffic, const EnvOptions& options,
                     std::uint64_t seed, double demand_scale, traffic::SignalPolicy policy) {
  if (!(demand_scale >= 0.0) || !std::isfinite(demand_scale)) {
    throw Error("invalid demand scale")
        .field("demand scale")
        .expected("a finite number >= 0")
        .found(fmt::format("{}", demand_scale));
  }
  Episode e;
  e.seed = seed;
  e.demand_scale = demand_scale;
  const traffic::DemandScaling all{0.0, std::numeric_limits<double>::infinity(), demand_scale};
  e.demand = std::make_unique<traffic::Demand>(traffic::jitter_departures(
      demand_scale == 1.0 ? base : traffic::scale_demand(base, {&all, 1}, seed), options.jitter_s,
      seed));
  traffic::TrafficConfig config = traffic;
  config.seed = seed;
  traffic::SignalControlParams params;
  params.min_green_s = options.min_green_s;
  params.max_green_s = options.max_green_s;
  if (policy == traffic::SignalPolicy::webster) {  // plans timed for this episode's day
    params.webster = traffic::webster_inputs(net, *e.demand, 0.0, options.episode_s);
  }
  e.world = std::make_unique<World>(
      net, *e.demand, config, std::vector<traffic::TrafficEvent>{},
      traffic::SignalController(net, std::vector<traffic::SignalPolicy>(net.signal_count(), policy),
                                params));
  e.world->set_threads(1);  // parallel over copies, not inside one
  return e;
}

SignalVecEnv::SignalVecEnv(const traffic::Network& net, const traffic::Demand& base,
                           const traffic::TrafficConfig& traffic, EnvOptions options, int copies,
                           int threads, std::uint64_t first_seed, std::size_t first_copy,
                           std::size_t all_copies)
    : net_(net),
      base_(base),
      traffic_(traffic),
      options_(std::move(options)),
      first_seed_(first_seed),
      first_copy_(first_copy),
      all_copies_(all_copies == 0 ? static_cast<std::size_t>(copies) : all_copies),
      arena_(threads) {
  if (copies < 1) {
    throw Error("an environment needs at least one copy").found(std::to_string(copies));
  }
  if (first_copy_ + static_cast<std::size_t>(copies) > all_copies_) {
    throw Error("an environment's copies lie outside the set they belong to")
        .expected(fmt::format("copies {}..{} of {}", first_copy_,
                              first_copy_ + static_cast<std::size_t>(copies) - 1, all_copies_));
  }
  if (options_.demand_scales.empty()) {
    throw Error("no demand scale").field("demand scales").expected("at least one");
  }
  if (net.signal_count() == 0) {
    throw Error("no signal to control").expected("a network with signalised junctions");
  }
  interval_steps_ = whole_steps(options_.decision_s, traffic.step_s, "decision interval");
  episode_decisions_ =
      whole_steps(options_.episode_s, options_.decision_s, "episode length (in decisions)");
  slots_.resize(static_cast<std::size_t>(copies));
  for (std::size_t c = 0; c < slots_.size(); ++c) start(c);
  for (std::size_t c = 0; c < slots_.size(); ++c) {
    slot_features_.emplace_back(*slots_[c].surface);
  }
  const std::size_t A = agents(), P = phase_slots();
  features_buf_.assign(slots_.size() * A * P * kPhaseFeatures, 0.0f);
  masks_buf_.assign(slots_.size() * A * P, 0);
  final_features_.assign(features_buf_.size(), 0.0f);
  final_masks_.assign(masks_buf_.size(), 0);
  rewards_.assign(slots_.size() * A, 0.0f);
  dones_.assign(slots_.size(), 0);
  ended_.resize(slots_.size());
  for (std::size_t c = 0; c < slots_.size(); ++c) observe(c, features_buf_, masks_buf_);
}

void SignalVecEnv::start(std::size_t c) {
  Slot& s = slots_[c];
  const std::uint64_t k = s.episode_index * all_copies_ + first_copy_ + c;
  const double scale = options_.demand_scales[k % options_.demand_scales.size()];
  s.episode = make_episode(net_, base_, traffic_, options_, first_seed_ + k, scale);
  s.surface = s.episode.world->signals().surface();
  if (s.surface == nullptr) throw Error("no signal to control").expected("signalised junctions");
  s.reward_sum = 0.0;
  s.before.resize(s.surface->agents());
  s.after.resize(s.surface->agents());
  s.own.resize(s.surface->agents());
  s.surface->measure(s.episode.world->traffic(), s.before);
}

void SignalVecEnv::restart_at(std::uint64_t episode_index) {
  for (std::size_t c = 0; c < slots_.size(); ++c) {
    slots_[c].episode_index = episode_index;
    start(c);
    observe(c, features_buf_, masks_buf_);
  }
  std::fill(rewards_.begin(), rewards_.end(), 0.0f);
  std::fill(dones_.begin(), dones_.end(), std::uint8_t{0});
  finished_.clear();
  decisions_ = episode_index * static_cast<std::uint64_t>(episode_decisions_);
}

void SignalVecEnv::observe(std::size_t c, std::vector<float>& features,
                           std::vector<std::uint8_t>& masks) {
  const std::size_t A = agents(), P = phase_slots();
  Slot& s = slots_[c];
  slot_features_[c].compute(
      s.episode.world->traffic(), *s.surface,
      std::span<float>(features).subspan(c * A * P * kPhaseFeatures, A * P * kPhaseFeatures),
      std::span<std::uint8_t>(masks).subspan(c * A * P, A * P));
}

void SignalVecEnv::step(std::span<const std::int32_t> actions) {
  const std::size_t A = agents();
  if (actions.size() != slots_.size() * A) {
    throw Error("one action per copy and agent")
        .expected(std::to_string(slots_.size() * A))
        .found(std::to_string(actions.size()));
  }
  arena_.execute([&] {
    par::parallel_for_each(slots_.size(), [&](std::size_t c) {
      Slot& s = slots_[c];
      World& w = *s.episode.world;
      for (std::size_t a = 0; a < A; ++a) s.surface->ctrl()[a] = actions[c * A + a];
      for (int i = 0; i < interval_steps_; ++i) w.step();
      s.surface->measure(w.traffic(), s.after);
      for (std::size_t a = 0; a < A; ++a) {
        s.own[a] =
            traffic::reward(options_.reward, s.before[a], s.after[a]) * options_.reward_scale;
      }
      for (std::size_t a = 0; a < A; ++a) {
        double r = s.own[a];
        const auto ns = s.surface->neighbours(a);
        if (options_.neighbour_reward != 0.0 && !ns.empty()) {
          double sum = 0.0;
          for (const traffic::Index n : ns) sum += s.own[n];
          r += options_.neighbour_reward * sum / static_cast<double>(ns.size());
        }
        rewards_[c * A + a] = static_cast<float>(r);
        s.reward_sum += r;
      }
      std::swap(s.before, s.after);
      const bool done = w.traffic().state().step >=
                        static_cast<std::int64_t>(episode_decisions_) * interval_steps_;
      dones_[c] = done ? 1 : 0;
      if (done) {
        observe(c, final_features_, final_masks_);
        ended_[c] = {s.episode.seed, s.episode.demand_scale, s.reward_sum, w.traffic().kpis()};
        ++s.episode_index;
        start(c);
      }
      observe(c, features_buf_, masks_buf_);
    });
  });
  for (std::size_t c = 0; c < slots_.size(); ++c) {
    if (dones_[c] != 0) finished_.push_back(ended_[c]);
  }
  ++decisions_;
}

}  // namespace parktwin::ai

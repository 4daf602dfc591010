#include "scenarios/run_recorder.h"

#include <algorithm>
#include <chrono>

#include "engine/error.h"

namespace parktwin::scenarios {

namespace {
// A sample waits at most this long (wall time) before it is on disk, however slow the run.
constexpr auto kMaxFlushAge = std::chrono::seconds(2);
}  // namespace

RunRecorder::RunRecorder(const std::string& path, const RunMeta& meta, const traffic::Network& net,
                         std::size_t vehicles, std::size_t buffers, std::size_t flush_every)
    : RunRecorder(path, meta, net, nullptr, vehicles, buffers, flush_every) {}

RunRecorder::RunRecorder(const std::string& path, const RunMeta& meta, const World& world,
                         std::size_t vehicles, std::size_t buffers, std::size_t flush_every)
    : RunRecorder(path, meta, world.traffic().network(), &world, vehicles, buffers, flush_every) {}

RunRecorder::RunRecorder(const std::string& path, const RunMeta& meta, const traffic::Network& net,
                         const World* world, std::size_t vehicles, std::size_t buffers,
                         std::size_t flush_every)
    : file_(path, meta, net, world), flush_every_(std::max<std::size_t>(flush_every, 1)) {
  start(net, world, buffers, meta.trajectories ? vehicles : 0);
}

RunRecorder::RunRecorder(const std::string& path, const traffic::Network& net,
                         const Checkpoint& from, bool trajectories, std::size_t vehicles,
                         std::size_t buffers, std::size_t flush_every)
    : RunRecorder(path, net, from, nullptr, trajectories, vehicles, buffers, flush_every) {}

RunRecorder::RunRecorder(const std::string& path, const World& world, const Checkpoint& from,
                         bool trajectories, std::size_t vehicles, std::size_t buffers,
                         std::size_t flush_every)
    : RunRecorder(path, world.traffic().network(), from, &world, trajectories, vehicles, buffers,
                  flush_every) {}

RunRecorder::RunRecorder(const std::string& path, const traffic::Network& net,
                         const Checkpoint& from, const World* world, bool trajectories,
                         std::size_t vehicles, std::size_t buffers, std::size_t flush_every)
    : file_(path, net, RunFileWriter::Continue{from.series_rows, from.trajectory_rows}, world),
      rows_recorded_(from.series_rows),
      trajectory_rows_(from.trajectory_rows),
      flush_every_(std::max<std::size_t>(flush_every, 1)) {
  start(net, world, buffers, trajectories ? vehicles : 0);
}

void RunRecorder::start(const traffic::Network& net, const World* world, std::size_t buffers,
                        std::size_t trajectory_capacity) {
  buffers = std::max<std::size_t>(buffers, 1);
  samples_.reserve(buffers);
  free_.slots.resize(buffers);
  queued_.slots.resize(buffers + 1);  // every sample buffer and the checkpoint
  for (std::size_t i = 0; i < buffers; ++i) {
    samples_.emplace_back(net, trajectory_capacity, world);
    free_.push(i);
  }
  writer_ = std::thread([this] { writer_loop(); });
}

RunRecorder::~RunRecorder() { stop_writer(); }

void RunRecorder::stop_writer() {
  {
    const std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void RunRecorder::rethrow_writer_error() {
  if (writer_error_) std::rethrow_exception(writer_error_);
}

void RunRecorder::record(const traffic::TrafficSim& sim) {
  if (file_.has_district_series()) {
    // A bug of the caller, but one that would leave the file's series of unequal lengths.
    throw Error("this run file records buildings and energy: record the World, not its traffic")
        .in_file(file_.path());
  }
  queue_sample(sim);
}

void RunRecorder::record(const World& world) { queue_sample(world); }

template <class State>
void RunRecorder::queue_sample(const State& state) {
  std::size_t slot = 0;
  {
    std::unique_lock lock(mutex_);
    rethrow_writer_error();
    if (free_.empty()) {
      const auto t0 = std::chrono::steady_clock::now();
      changed_.wait(lock, [this] { return !free_.empty() || writer_error_; });
      wait_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      rethrow_writer_error();
    }
    slot = free_.pop();
  }
  samples_[slot].take(state);  // outside the lock: the writer works on other buffers meanwhile
  {
    const std::lock_guard lock(mutex_);
    queued_.push(slot);
    ++rows_recorded_;
    trajectory_rows_ += samples_[slot].traffic.vehicles_in_network;
  }
  changed_.notify_all();
}

template <class State>
void RunRecorder::queue_checkpoint(const State& state) {
  {
    std::unique_lock lock(mutex_);
    rethrow_writer_error();
    if (checkpoint_queued_) {
      const auto t0 = std::chrono::steady_clock::now();
      changed_.wait(lock, [this] { return !checkpoint_queued_ || writer_error_; });
      wait_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      rethrow_writer_error();
    }
  }
  checkpoint_.take(state, rows_recorded_, trajectory_rows_);
  {
    const std::lock_guard lock(mutex_);
    checkpoint_queued_ = true;
    queued_.push(samples_.size());
  }
  changed_.notify_all();
}

void RunRecorder::checkpoint(const traffic::TrafficSim& sim) { queue_checkpoint(sim); }
void RunRecorder::checkpoint(const World& world) { queue_checkpoint(world); }

void RunRecorder::fail_writer(std::exception_ptr error) {
  {
    const std::lock_guard lock(mutex_);
    writer_error_ = std::move(error);
  }
  changed_.notify_all();
}

void RunRecorder::writer_loop() {
  std::size_t since_flush = 0;
  auto last_flush = std::chrono::steady_clock::now();
  while (true) {
    std::size_t slot = 0;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return !queued_.empty() || closing_; });
      if (queued_.empty()) break;  // closing, and all written
      slot = queued_.pop();
    }
    if (slot == samples_.size()) {
      try {
        file_.write_checkpoint(checkpoint_);  // flushes the series too
        since_flush = 0;
        last_flush = std::chrono::steady_clock::now();
      } catch (...) {
        fail_writer(std::current_exception());
        return;
      }
      {
        const std::lock_guard lock(mutex_);
        checkpoint_queued_ = false;
      }
      changed_.notify_all();
      continue;
    }
    try {
      file_.append(samples_[slot]);
      ++since_flush;
      const auto now = std::chrono::steady_clock::now();
      if (since_flush >= flush_every_ || now - last_flush > kMaxFlushAge) {
        file_.flush();
        since_flush = 0;
        last_flush = now;
      }
    } catch (...) {
      fail_writer(std::current_exception());
      return;
    }
    {
      const std::lock_guard lock(mutex_);
      free_.push(slot);
    }
    changed_.notify_all();
  }
  try {
    file_.flush();
  } catch (...) {
    fail_writer(std::current_exception());
  }
}

void RunRecorder::finish(const traffic::TrafficKpis& kpis, std::uint64_t state_hash,
                         double step_wall_s, const traffic::TrafficSim& tables,
                         const buildings::BuildingsKpis* buildings,
                         const energy::EnergyKpis* energy) {
  stop_writer();
  rethrow_writer_error();
  file_.write_kpis(kpis, state_hash, step_wall_s, tables, buildings, energy);
}

}  // namespace parktwin::scenarios

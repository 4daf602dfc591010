#include "scenarios/run_recorder.h"

#include <algorithm>
#include <chrono>

namespace parktwin::scenarios {

namespace {
// A sample waits at most this long (wall time) before it is on disk, however slow the run.
constexpr auto kMaxFlushAge = std::chrono::seconds(2);
}  // namespace

RunRecorder::RunRecorder(const std::string& path, const RunMeta& meta, const traffic::Network& net,
                         std::size_t buffers, std::size_t flush_every)
    : file_(path, meta, net), flush_every_(std::max<std::size_t>(flush_every, 1)) {
  buffers = std::max<std::size_t>(buffers, 1);
  samples_.reserve(buffers);
  free_.slots.resize(buffers);
  queued_.slots.resize(buffers);
  for (std::size_t i = 0; i < buffers; ++i) {
    samples_.emplace_back(net);
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
  samples_[slot].take(sim);  // outside the lock: the writer works on other buffers meanwhile
  {
    const std::lock_guard lock(mutex_);
    queued_.push(slot);
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
      const std::lock_guard lock(mutex_);
      writer_error_ = std::current_exception();
      changed_.notify_all();
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
    const std::lock_guard lock(mutex_);
    writer_error_ = std::current_exception();
  }
}

void RunRecorder::finish(const traffic::TrafficKpis& kpis, std::uint64_t state_hash,
                         double step_wall_s) {
  stop_writer();
  rethrow_writer_error();
  file_.write_kpis(kpis, state_hash, step_wall_s);
}

}  // namespace parktwin::scenarios

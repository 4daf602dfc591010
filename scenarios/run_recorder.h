#pragma once
// Records a run into its HDF5 file on a writer thread, behind a bounded queue of sample
// buffers allocated once: the simulation fills a free buffer and goes on; it waits on the
// disk only when every buffer is still queued (DESIGN.md, data flow step 5).

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "scenarios/run_file.h"

namespace parktwin::scenarios {

class RunRecorder {
 public:
  // Creates the file (Error if it exists) and starts the writer. `buffers` samples may wait
  // in the queue. The file is flushed to disk every `flush_every` samples (a chunk of the
  // series), and at the latest 2 s of wall time after a sample was written.
  // With meta.trajectories, `vehicles` is the trip count (room in each sample buffer).
  RunRecorder(const std::string& path, const RunMeta& meta, const traffic::Network& net,
              std::size_t vehicles = 0, std::size_t buffers = 8, std::size_t flush_every = 16);
  // The same for a World: the file also has its buildings' and energy's tables and series
  // when it has them (record(const World&) fills them).
  RunRecorder(const std::string& path, const RunMeta& meta, const World& world,
              std::size_t vehicles = 0, std::size_t buffers = 8, std::size_t flush_every = 16);
  // Continues the run file of a killed run from its checkpoint (read_resume_point): the
  // series are cut back to the checkpoint's rows and recording goes on from there.
  RunRecorder(const std::string& path, const traffic::Network& net, const Checkpoint& from,
              bool trajectories, std::size_t vehicles, std::size_t buffers = 8,
              std::size_t flush_every = 16);
  // The same for a World restored from the checkpoint (its buildings' and energy's series
  // too).
  RunRecorder(const std::string& path, const World& world, const Checkpoint& from,
              bool trajectories, std::size_t vehicles, std::size_t buffers = 8,
              std::size_t flush_every = 16);
  RunRecorder(const RunRecorder&) = delete;
  RunRecorder& operator=(const RunRecorder&) = delete;
  // Stops the writer if finish() was not called (the file keeps what was flushed).
  ~RunRecorder();

  // Takes a sample of `sim` now and queues it. Rethrows a writer failure (disk full, ...).
  // Error when the file records buildings or energy: those need record(const World&).
  void record(const traffic::TrafficSim& sim);
  // Takes a sample of the World now (traffic, and its buildings and energy) and queues it.
  void record(const World& world);
  // Takes a checkpoint of `sim` now (after its sample, if one is due) and queues it; waits
  // while the previous checkpoint is still being written.
  void checkpoint(const traffic::TrafficSim& sim);
  // The same for a World: its traffic and its buildings.
  void checkpoint(const World& world);
  // Writes every queued sample, then the KPIs, and closes the file.
  void finish(const traffic::TrafficKpis& kpis, std::uint64_t state_hash, double step_wall_s,
              const traffic::TrafficSim& tables,
              const buildings::BuildingsKpis* buildings = nullptr,
              const energy::EnergyKpis* energy = nullptr);
  // Seconds the simulation thread spent waiting for a free buffer.
  double wait_s() const { return wait_s_; }

 private:
  RunRecorder(const std::string& path, const RunMeta& meta, const traffic::Network& net,
              const World* world, std::size_t vehicles, std::size_t buffers,
              std::size_t flush_every);
  RunRecorder(const std::string& path, const traffic::Network& net, const Checkpoint& from,
              const World* world, bool trajectories, std::size_t vehicles, std::size_t buffers,
              std::size_t flush_every);
  template <class State>
  void queue_sample(const State& state);
  template <class State>
  void queue_checkpoint(const State& state);
  // A FIFO of buffer indices with room for all of them: pushing never allocates.
  struct SlotRing {
    std::vector<std::size_t> slots;
    std::size_t head = 0, count = 0;
    bool empty() const { return count == 0; }
    void push(std::size_t slot) { slots[(head + count++) % slots.size()] = slot; }
    std::size_t pop() {
      const std::size_t slot = slots[head];
      head = (head + 1) % slots.size();
      --count;
      return slot;
    }
  };

  void start(const traffic::Network& net, const World* world, std::size_t buffers,
             std::size_t trajectory_capacity);
  void writer_loop();
  void stop_writer();
  void rethrow_writer_error();
  // The writer stops on an error; the simulation thread rethrows it at its next call.
  void fail_writer(std::exception_ptr error);

  RunFileWriter file_;
  std::vector<RunSample> samples_;
  Checkpoint checkpoint_;              // queued as slot index samples_.size()
  bool checkpoint_queued_ = false;     // the writer has not finished with checkpoint_ yet
  std::uint64_t rows_recorded_ = 0;    // samples handed to the writer, in all
  std::uint64_t trajectory_rows_ = 0;  // their vehicles, in all (trajectory rows)
  std::size_t flush_every_;
  std::mutex mutex_;
  std::condition_variable changed_;
  SlotRing free_, queued_;
  bool closing_ = false;
  std::exception_ptr writer_error_;
  double wait_s_ = 0.0;
  std::thread writer_;
};

}  // namespace parktwin::scenarios

#pragma once
// The processes one training runs in: this one alone, or the N ranks of `mpirun -n N parktwin
// train` (docs/cluster.md), each stepping its share of the environment copies. The learners
// see only this interface; MPI itself is in the binary (tools/train_mpi.cpp), so ai/ and its
// tests build without it. All ranks call the collective operations in the same order with the
// same sizes (synchronous data parallelism, as PyTorch's DistributedDataParallel).

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <span>
#include <vector>

namespace parktwin::ai {

class Collective {
 public:
  virtual ~Collective() = default;
  virtual int rank() const { return 0; }
  virtual int size() const { return 1; }
  // Every rank's `bytes` bytes at `mine`, concatenated in rank order into `all` (size() x
  // bytes), on every rank.
  virtual void all_gather(const void* mine, std::size_t bytes, void* all) {
    if (bytes > 0) std::memcpy(all, mine, bytes);
  }
};

// Every rank's `mine` (the same length on every rank), concatenated in rank order.
template <class T>
std::vector<T> all_gather(Collective& c, std::span<const T> mine) {
  std::vector<T> all(mine.size() * static_cast<std::size_t>(c.size()));
  c.all_gather(mine.data(), mine.size_bytes(), all.data());
  return all;
}

// Gathers a rollout laid out [steps][local copies][row] on every rank into
// [steps][copies of all ranks, rank by rank][row] in `all`: the layout one process stepping
// every copy would have had.
template <class T>
void gather_rollout(Collective& c, std::span<const T> mine, std::size_t steps, std::span<T> all) {
  const auto ranks = static_cast<std::size_t>(c.size());
  if (ranks == 1) {
    std::copy(mine.begin(), mine.end(), all.begin());
    return;
  }
  const std::vector<T> by_rank = all_gather<T>(c, mine);  // [rank][steps][local copies][row]
  const std::size_t per_step = mine.size() / steps;
  for (std::size_t s = 0; s < steps; ++s) {
    for (std::size_t r = 0; r < ranks; ++r) {
      const auto from = by_rank.begin() + static_cast<long>(r * mine.size() + s * per_step);
      std::copy(from, from + static_cast<long>(per_step),
                all.begin() + static_cast<long>((s * ranks + r) * per_step));
    }
  }
}

}  // namespace parktwin::ai

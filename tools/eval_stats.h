#pragma once
// What `parktwin eval`'s two halves (signal and energy) share: the mean of a KPI over the
// evaluation seeds with the half-width of its 95 % confidence interval (Student's t), and the
// progress line of the runs.

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <mutex>
#include <ostream>
#include <vector>

namespace parktwin::cli {

// Student's t, two-sided 95 %, for n - 1 degrees of freedom (n samples); 1.96 beyond 30.
inline double t95(std::size_t n) {
  static constexpr double t[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                 2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                 2.120, 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                                 2.064, 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  const std::size_t dof = n - 1;
  return dof < std::size(t) ? t[dof] : 1.96;
}

struct MeanCi {
  double mean = 0.0, ci95 = 0.0;  // ci95: 0 for a single sample
};

// Of one or more samples.
inline MeanCi mean_ci95(const std::vector<double>& v) {
  double sum = 0.0;
  for (const double x : v) sum += x;
  const auto n = static_cast<double>(v.size());
  const double mean = sum / n;
  double ss = 0.0;
  for (const double x : v) ss += (x - mean) * (x - mean);
  return {mean, v.size() > 1 ? t95(v.size()) * std::sqrt(ss / (n - 1.0)) / std::sqrt(n) : 0.0};
}

// "n/N runs, rate, ETA" on one line, from the threads that finish runs.
class RunProgress {
 public:
  RunProgress(std::ostream& err, std::size_t total, bool quiet)
      : err_(err), total_(total), quiet_(quiet) {}
  void one_done() {
    const std::size_t n = ++done_;
    if (quiet_) return;
    const std::lock_guard lock(mutex_);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    err_ << fmt::format("\r{}/{} runs, {:.1f} runs/s, ETA {:.0f} s   ", n, total_,
                        static_cast<double>(n) / wall,
                        wall / static_cast<double>(n) * static_cast<double>(total_ - n));
    err_.flush();
  }
  void finish() {
    if (!quiet_) err_ << "\n";
  }

 private:
  std::ostream& err_;
  std::size_t total_;
  bool quiet_;
  std::atomic<std::size_t> done_{0};
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace parktwin::cli

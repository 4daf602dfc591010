#pragma once
// Wall times in progress lines ("ETA 3m05s", "1h12m"): short, and "--" while unknown.

#include <fmt/format.h>

#include <cmath>
#include <string>

namespace parktwin::cli {

inline std::string format_duration(double s) {
  if (!std::isfinite(s) || s < 0.0) return "--";
  const long total = std::lround(s);
  return total >= 3600 ? fmt::format("{}h{:02d}m", total / 3600, total / 60 % 60)
                       : fmt::format("{}m{:02d}s", total / 60, total % 60);
}

}  // namespace parktwin::cli

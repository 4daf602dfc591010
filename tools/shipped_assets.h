#pragma once
// Files shipped in the checkout's assets/ that generators and importers point scenarios at
// (the typical-year weather, the tariff), found beside the program's checkout (the binary
// lives in build/<preset>/bin) or under the current folder.

#include <filesystem>
#include <string>

namespace parktwin::cli {

inline constexpr const char* kShippedWeather =
    "assets/weather/CHN_SH_Shanghai-Hongqiao.Intl.AP.583670_TMYx.1956-2023.epw";
inline constexpr const char* kShippedTariff = "assets/tariffs/jiangsu_tou_2025.toml";

// The absolute path of `relative` (e.g. kShippedWeather); "" when neither place has it.
inline std::string shipped_asset(const char* relative) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  for (const fs::path& root :
       {ec ? fs::path() : exe.parent_path() / ".." / ".." / "..", fs::current_path()}) {
    const fs::path p = root / relative;
    if (!root.empty() && fs::is_regular_file(p, ec)) return fs::weakly_canonical(p).string();
  }
  return "";
}

}  // namespace parktwin::cli

#include "engine/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <string>

#include "engine/error.h"

namespace parktwin::log {

namespace {
constexpr std::array<std::string_view, 6> kNames{"trace", "debug", "info", "warn", "error", "off"};
}

std::span<const std::string_view> level_names() { return kNames; }

Level parse_level(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Level>(i);
  }
  std::string accepted;
  for (auto n : kNames) accepted += (accepted.empty() ? "" : ", ") + std::string(n);
  throw Error("unknown log level").field("log-level").expected(accepted).found(std::string(name));
}

void init(Level level) {
  constexpr std::array<spdlog::level::level_enum, 6> kSpdlog{
      spdlog::level::trace, spdlog::level::debug, spdlog::level::info,
      spdlog::level::warn,  spdlog::level::err,   spdlog::level::off};
  auto logger = spdlog::get("parktwin");
  if (!logger) {
    logger = spdlog::stderr_color_mt("parktwin");
    logger->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
  }
  spdlog::set_default_logger(logger);
  spdlog::set_level(kSpdlog[static_cast<std::size_t>(level)]);
}

}  // namespace parktwin::log

// The TOML tariff file (see the header). The shipped file follows Jiangsu's scheme of
// Su Fa Gai Jia Ge [2025] 426 (assets/reference/REFERENCE.md, section C). Each season's day
// is painted minute by minute: flat first, then each peak and valley interval; every painted
// minute remembers the interval that claimed it, so an overlap names both intervals.

#include "scenarios/tariff_toml.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include "engine/error.h"
#include "scenarios/toml_fields.h"

namespace parktwin::scenarios {

namespace {

namespace fs = std::filesystem;
using energy::kMinutesPerDay;
using energy::TouPeriod;
using namespace toml_fields;

// A required key that is absent: the error points at the table that lacks it.
[[noreturn]] void missing(const std::string& path, const toml::node& table, const std::string& key,
                          const std::string& expected) {
  fail_at(path, table, key, "missing required key", expected);
}

const toml::node& required(const std::string& path, const toml::table& t, const char* key,
                           const std::string& field, const std::string& expected) {
  const toml::node* n = t.get(key);
  if (n == nullptr) missing(path, t, field, expected);
  return *n;
}

std::string string_value(const std::string& path, const toml::node& n, const std::string& field) {
  if (!n.is_string()) fail_at(path, n, field, "wrong type", "a string", brief(n));
  return n.value<std::string>().value();
}

// A price per kWh: >= 0 (a free period is allowed) and finite.
double price(const std::string& path, const toml::node& n, const std::string& field) {
  if (!n.is_number()) fail_at(path, n, field, "wrong type", "a number (per kWh)", brief(n));
  const double v = *number_of(n);
  if (!(v >= 0.0) || !std::isfinite(v)) {
    fail_at(path, n, field, "bad price", "a finite number >= 0", fmt::format("{}", v));
  }
  return v;
}

std::string clock(int minute) { return fmt::format("{:02d}:{:02d}", minute / 60, minute % 60); }

// Minutes since midnight of "H:MM" or "HH:MM", 00:00 to 24:00; nullopt if malformed.
std::optional<int> parse_clock(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || s.size() != colon + 3) {
    return std::nullopt;
  }
  int hour = 0;
  int minute = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == colon) continue;
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    int& part = i < colon ? hour : minute;
    part = part * 10 + (s[i] - '0');
  }
  if (minute >= 60 || hour > 24 || (hour == 24 && minute != 0)) return std::nullopt;
  return hour * 60 + minute;
}

// An interval [start, end) of the day in minutes; end < start wraps past midnight.
struct Interval {
  int start = 0;
  int end = 0;
  int length() const { return end > start ? end - start : end + kMinutesPerDay - start; }
  int minute(int k) const { return (start + k) % kMinutesPerDay; }
};

Interval parse_interval(const std::string& path, const toml::node& n, const std::string& field) {
  const char* shape = "\"HH:MM-HH:MM\", local time in whole minutes, e.g. \"14:00-22:00\"";
  if (!n.is_string()) fail_at(path, n, field, "wrong type", shape, brief(n));
  const std::string text = n.value<std::string>().value();
  const std::string quoted = fmt::format("\"{}\"", text);
  const std::size_t dash = text.find('-');
  if (dash == std::string::npos || text.find('-', dash + 1) != std::string::npos) {
    fail_at(path, n, field, "malformed interval", shape, quoted);
  }
  const std::optional<int> start = parse_clock(std::string_view(text).substr(0, dash));
  const std::optional<int> end = parse_clock(std::string_view(text).substr(dash + 1));
  if (!start || !end) {
    fail_at(path, n, field, "malformed time", std::string(shape) + ", hours 00..24, minutes 00..59",
            quoted);
  }
  if (*start == kMinutesPerDay) {
    fail_at(path, n, field, "interval starts at 24:00", "a start from 00:00 to 23:59", quoted);
  }
  if (*start == *end) {
    fail_at(path, n, field, "empty interval",
            "an end different from the start (\"00:00-24:00\" for the whole day)", quoted);
  }
  return {*start, *end};
}

// One interval of a season's lists, for naming it when another overlaps it.
struct Claim {
  std::string field;
  std::string text;
  int line = 0;
};

struct Season {
  std::string name;
  std::array<TouPeriod, kMinutesPerDay> day{};
};

Season read_season(const std::string& path, const toml::node& node, std::size_t index,
                   std::array<std::optional<Claim>, 12>& month_claim,
                   std::array<std::uint8_t, 12>& season_of_month) {
  const std::string where = fmt::format("seasons[{}]", index);
  if (!node.is_table())
    fail_at(path, node, where, "wrong type", "a [[seasons]] table", brief(node));
  const toml::table& t = *node.as_table();
  reject_unknown(path, t, where + ".", {"name", "months", "peak", "flat", "valley"});
  Season s;
  s.name = fmt::format("season {}", index + 1);
  if (const toml::node* n = t.get("name")) s.name = string_value(path, *n, where + ".name");

  const toml::node& months =
      required(path, t, "months", where + ".months", "a list of month numbers 1..12");
  if (!months.is_array()) {
    fail_at(path, months, where + ".months", "wrong type", "a list of month numbers 1..12",
            brief(months));
  }
  if (months.as_array()->empty()) {
    fail_at(path, months, where + ".months", "a season without months",
            "a non-empty list of month numbers 1..12", "[]");
  }
  for (std::size_t i = 0; i < months.as_array()->size(); ++i) {
    const toml::node& m = (*months.as_array())[i];
    const std::string field = fmt::format("{}.months[{}]", where, i);
    if (!m.is_integer()) fail_at(path, m, field, "wrong type", "a month number 1..12", brief(m));
    const std::int64_t month = integer_of(m).value();
    if (month < 1 || month > 12) {
      fail_at(path, m, field, "bad month", "a month number 1..12", fmt::format("{}", month));
    }
    std::optional<Claim>& claim = month_claim[static_cast<std::size_t>(month - 1)];
    if (claim) {
      fail_at(path, m, field, "month in two seasons", "each month in exactly one season",
              fmt::format("{}, also at {} (line {})", month, claim->field, claim->line));
    }
    claim = Claim{field, std::to_string(month), line_of(m)};
    season_of_month[static_cast<std::size_t>(month - 1)] = static_cast<std::uint8_t>(index);
  }

  // The period lists in file order, so that an overlap is reported at the later interval.
  struct List {
    const char* key;
    TouPeriod period;
    const toml::node* node;
  };
  std::vector<List> lists;
  for (const List l : {List{"peak", TouPeriod::peak, t.get("peak")},
                       List{"valley", TouPeriod::valley, t.get("valley")},
                       List{"flat", TouPeriod::flat, t.get("flat")}}) {
    if (l.node != nullptr) lists.push_back(l);
  }
  if (t.get("peak") == nullptr && t.get("valley") == nullptr) {
    missing(path, t, where + ".peak",
            "peak and/or valley: lists of \"HH:MM-HH:MM\" intervals (the rest of the day is flat)");
  }
  std::stable_sort(lists.begin(), lists.end(), [](const List& a, const List& b) {
    return line_of(*a.node) < line_of(*b.node);
  });

  s.day.fill(TouPeriod::flat);
  std::vector<Claim> claims;
  std::array<int, kMinutesPerDay> owner;
  owner.fill(-1);
  for (const List& l : lists) {
    const std::string list_field = where + "." + l.key;
    if (!l.node->is_array()) {
      fail_at(path, *l.node, list_field, "wrong type", "a list of \"HH:MM-HH:MM\" intervals",
              brief(*l.node));
    }
    const toml::array& a = *l.node->as_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      const toml::node& n = a[i];
      const std::string field = fmt::format("{}[{}]", list_field, i);
      const Interval iv = parse_interval(path, n, field);
      const std::string text = n.value<std::string>().value();
      const int id = static_cast<int>(claims.size());
      for (int k = 0; k < iv.length(); ++k) {
        const int other = owner[static_cast<std::size_t>(iv.minute(k))];
        if (other < 0) continue;
        int run = k;  // the overlap with that interval, from its first minute
        while (run < iv.length() && owner[static_cast<std::size_t>(iv.minute(run))] == other) {
          ++run;
        }
        const Claim& c = claims[static_cast<std::size_t>(other)];
        fail_at(path, n, field, "overlapping intervals",
                "intervals of a season that do not overlap",
                fmt::format("\"{}\" overlaps {} \"{}\" (line {}) from {} to {}", text, c.field,
                            c.text, c.line, clock(iv.minute(k)),
                            clock(run == iv.length() ? iv.end : iv.minute(run))));
      }
      for (int k = 0; k < iv.length(); ++k) {
        owner[static_cast<std::size_t>(iv.minute(k))] = id;
        s.day[static_cast<std::size_t>(iv.minute(k))] = l.period;
      }
      claims.push_back({field, text, line_of(n)});
    }
  }
  return s;
}

}  // namespace

energy::Tariff load_tariff(const std::string& path) {
  const toml::table root = parse_toml_file(path, "tariff");
  reject_unknown(path, root, "", {"name", "currency", "export_price", "prices", "seasons"});
  energy::Tariff tariff;
  tariff.name = fs::path(path).stem().string();
  if (const toml::node* n = root.get("name")) tariff.name = string_value(path, *n, "name");
  if (const toml::node* n = root.get("currency")) {
    tariff.currency = string_value(path, *n, "currency");
  }
  if (const toml::node* n = root.get("export_price")) {
    tariff.export_price_per_kwh = price(path, *n, "export_price");
  }

  const toml::node& prices =
      required(path, root, "prices", "prices", "a [prices] table with peak, flat and valley");
  if (!prices.is_table()) {
    fail_at(path, prices, "prices", "wrong type", "a [prices] table with peak, flat and valley",
            brief(prices));
  }
  const toml::table& p = *prices.as_table();
  reject_unknown(path, p, "prices.", {"peak", "flat", "valley"});
  for (const TouPeriod period : {TouPeriod::peak, TouPeriod::flat, TouPeriod::valley}) {
    const char* key = energy::tou_period_name(period);
    const std::string field = std::string("prices.") + key;
    tariff.price_per_kwh[static_cast<std::size_t>(period)] =
        price(path, required(path, p, key, field, "a price per kWh >= 0"), field);
  }

  const char* seasons_expected = "[[seasons]] tables, each with months and peak and/or valley";
  const toml::node& seasons = required(path, root, "seasons", "seasons", seasons_expected);
  if (seasons.is_array() && seasons.as_array()->empty()) {
    fail_at(path, seasons, "seasons", "no seasons", seasons_expected, "[]");
  }
  if (!seasons.is_array_of_tables()) {
    fail_at(path, seasons, "seasons", "wrong type", seasons_expected, brief(seasons));
  }
  std::array<std::optional<Claim>, 12> month_claim;
  for (std::size_t i = 0; i < seasons.as_array()->size(); ++i) {
    Season s = read_season(path, (*seasons.as_array())[i], i, month_claim, tariff.season_of_month);
    tariff.season_name.push_back(std::move(s.name));
    tariff.seasons.push_back(s.day);
  }
  std::string unclaimed;
  for (std::size_t m = 0; m < month_claim.size(); ++m) {
    if (!month_claim[m]) unclaimed += (unclaimed.empty() ? "" : ", ") + std::to_string(m + 1);
  }
  if (!unclaimed.empty()) {
    fail_at(path, seasons, "seasons", "months in no season", "every month 1..12 in one season",
            "no season for month" +
                std::string(unclaimed.find(',') == std::string::npos ? " " : "s ") + unclaimed);
  }
  return tariff;
}

}  // namespace parktwin::scenarios

#include "sim/traffic/demand_scaling.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>
#include <vector>

#include "engine/error.h"
#include "engine/rng.h"

namespace parktwin::traffic {

Demand scale_demand(const Demand& base, std::span<const DemandScaling> windows,
                    std::uint64_t seed) {
  for (const DemandScaling& w : windows) {
    if (!(w.factor >= 0.0) || !std::isfinite(w.factor)) {
      throw Error("demand multiplier must be finite and >= 0")
          .field("factor")
          .found(fmt::format("{}", w.factor));
    }
    if (!(w.until_s > w.from_s)) {
      throw Error("demand multiplier window is empty")
          .field("until")
          .expected(fmt::format("> {} s", w.from_s))
          .found(fmt::format("{} s", w.until_s));
    }
  }
  const std::size_t n = base.trip_count();
  // Headway to the next departure on the same route (routes are shared by their flow's trips).
  std::vector<double> headway(n, 0.0);
  {
    std::unordered_map<Index, std::size_t> last;  // route -> last trip seen on it
    for (std::size_t i = 0; i < n; ++i) {
      const auto it = last.find(base.trips[i].route_begin);
      if (it != last.end()) {
        const double h = base.trips[i].depart_s - base.trips[it->second].depart_s;
        headway[it->second] = h;
        headway[i] = h;  // the previous headway, kept unless a later trip follows
        it->second = i;
      } else {
        last.emplace(base.trips[i].route_begin, i);
      }
    }
  }
  struct Entry {
    double depart_s;
    std::size_t source;
    Index copy;
  };
  std::vector<Entry> entries;
  entries.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = base.trips[i].depart_s;
    double f = 1.0;
    for (const DemandScaling& w : windows) {
      if (t >= w.from_s && t < w.until_s) f *= w.factor;
    }
    if (!(static_cast<double>(entries.size()) + f <= static_cast<double>(kMaxTrips))) {
      throw Error("demand multiplier makes too many trips")
          .expected(fmt::format("at most {} trips in all", kMaxTrips))
          .found(fmt::format("{} copies of trip '{}' at {} s after {} trips", f, base.trip_id[i], t,
                             entries.size()));
    }
    auto copies = static_cast<Index>(std::floor(f));
    if (rng::uniform(seed, DemandStream::scaling, static_cast<std::uint32_t>(i), 0) <
        f - std::floor(f)) {
      ++copies;
    }
    for (Index k = 0; k < copies; ++k) {
      entries.push_back({t + headway[i] * k / copies, i, k});
    }
  }
  // By departure; ties in input order, a trip's copies after it.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.depart_s < b.depart_s; });
  Demand out;
  out.types = base.types;
  out.route_roads = base.route_roads;
  out.trips.reserve(entries.size());
  out.trip_id.reserve(entries.size());
  for (const Entry& e : entries) {
    Trip trip = base.trips[e.source];
    trip.depart_s = e.depart_s;
    out.trips.push_back(trip);
    out.trip_id.push_back(e.copy == 0 ? base.trip_id[e.source]
                                      : fmt::format("{}#{}", base.trip_id[e.source], e.copy));
  }
  return out;
}

Demand jitter_departures(const Demand& base, double jitter_s, std::uint64_t seed) {
  if (!(jitter_s >= 0.0) || !std::isfinite(jitter_s)) {
    throw Error("departure jitter must be finite and >= 0")
        .field("jitter")
        .found(fmt::format("{}", jitter_s));
  }
  if (jitter_s == 0.0) return base;
  const std::size_t n = base.trip_count();
  std::vector<double> depart(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double u = rng::uniform(seed, DemandStream::jitter, static_cast<std::uint32_t>(i), 0);
    depart[i] = std::max(0.0, base.trips[i].depart_s + (2.0 * u - 1.0) * jitter_s);
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return depart[a] < depart[b]; });
  Demand out;
  out.types = base.types;
  out.route_roads = base.route_roads;
  out.trips.reserve(n);
  out.trip_id.reserve(n);
  for (const std::size_t i : order) {
    Trip t = base.trips[i];
    t.depart_s = depart[i];
    out.trips.push_back(t);
    out.trip_id.push_back(base.trip_id[i]);
  }
  return out;
}

}  // namespace parktwin::traffic

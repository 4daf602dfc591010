#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <span>
#include <unordered_map>

#include "engine/error.h"
#include "scenarios/cityflow/cityflow.h"

namespace parktwin::scenarios {

using traffic::Index;

namespace {

traffic::VehicleType read_vehicle(const JsonReader& r, const Json& v, const std::string& where) {
  traffic::VehicleType t;
  // Every field is required, as in CityFlow (a missing one is an error there too).
  t.length_m = r.number(v, "length", where);
  t.width_m = r.number(v, "width", where);
  t.max_accel_mps2 = r.number(v, "maxPosAcc", where);
  t.max_decel_mps2 = r.number(v, "maxNegAcc", where);
  t.usual_accel_mps2 = r.number(v, "usualPosAcc", where);
  t.usual_decel_mps2 = r.number(v, "usualNegAcc", where);
  t.min_gap_m = r.number(v, "minGap", where);
  t.max_speed_mps = r.number(v, "maxSpeed", where);
  t.headway_s = r.number(v, "headwayTime", where);
  auto positive = [&](const char* key, double value) {
    if (!(value > 0.0) || !std::isfinite(value)) {
      r.fail(element(where, key), "vehicle parameter must be positive", "> 0",
             fmt::format("{}", value));
    }
  };
  positive("length", t.length_m);
  positive("width", t.width_m);
  positive("maxPosAcc", t.max_accel_mps2);
  positive("maxNegAcc", t.max_decel_mps2);
  positive("usualPosAcc", t.usual_accel_mps2);
  positive("usualNegAcc", t.usual_decel_mps2);
  positive("maxSpeed", t.max_speed_mps);
  if (t.min_gap_m < 0.0)
    r.fail(element(where, "minGap"), "negative minimum gap", ">= 0 m",
           fmt::format("{}", t.min_gap_m));
  if (t.headway_s < 0.0)
    r.fail(element(where, "headwayTime"), "negative headway", ">= 0 s",
           fmt::format("{}", t.headway_s));
  return t;
}

bool same_parameters(const traffic::VehicleType& a, const traffic::VehicleType& b) {
  return a.length_m == b.length_m && a.width_m == b.width_m &&
         a.max_accel_mps2 == b.max_accel_mps2 && a.max_decel_mps2 == b.max_decel_mps2 &&
         a.usual_accel_mps2 == b.usual_accel_mps2 && a.usual_decel_mps2 == b.usual_decel_mps2 &&
         a.min_gap_m == b.min_gap_m && a.max_speed_mps == b.max_speed_mps &&
         a.headway_s == b.headway_s;
}

// Expands flow entries into trips as each one is read (streamed or from a parsed document).
class FlowReader {
 public:
  FlowReader(const std::string& path, const traffic::Network& net, double horizon_s)
      : r_(path), net_(net), horizon_s_(horizon_s) {
    for (std::size_t i = 0; i < net.road_count(); ++i)
      road_of_.emplace(net.road_id[i], static_cast<Index>(i));
  }

  void add_flow(const Json& flow, std::size_t f) {
    const std::string where = element("", f);
    const traffic::VehicleType vt =
        read_vehicle(r_, r_.object(flow, "vehicle", where), element(where, "vehicle"));
    Index type = 0;
    const auto same =
        std::find_if(d_.types.begin(), d_.types.end(),
                     [&](const traffic::VehicleType& t) { return same_parameters(t, vt); });
    if (same == d_.types.end()) {
      type = static_cast<Index>(d_.types.size());
      d_.types.push_back(vt);
      d_.types.back().name = fmt::format("cityflow_{}", type);
    } else {
      type = static_cast<Index>(same - d_.types.begin());
    }

    const Json& route = r_.array(flow, "route", where);
    if (route.empty()) r_.fail(element(where, "route"), "route is empty", "at least one road id");
    Index route_begin = static_cast<Index>(d_.route_roads.size());
    for (std::size_t k = 0; k < route.size(); ++k) {
      const std::string rw = element(element(where, "route"), k);
      if (!route[k].is_string()) r_.fail(rw, "wrong type", "a road id string", brief(route[k]));
      const auto it = road_of_.find(route[k].get<std::string>());
      if (it == road_of_.end()) {
        r_.fail(rw, "unknown road in route", "a road id of the network", brief(route[k]));
      }
      if (k > 0) {
        // Consecutive roads must meet at a junction with a movement between them.
        const Index prev = d_.route_roads.back(), next = it->second;
        if (!net_.road_reaches_road(prev, next)) {
          r_.fail(rw, "consecutive roads of the route are not connected",
                  fmt::format("a road reachable from '{}'", net_.road_id[prev]),
                  "'" + route[k].get<std::string>() + "'");
        }
      }
      d_.route_roads.push_back(it->second);
    }
    route_begin = share_route(route_begin);

    const double interval = r_.number_or(flow, "interval", where, 1.0);
    const double start = r_.number_or(flow, "startTime", where, 0.0);
    const double end = r_.number_or(flow, "endTime", where, -1.0);
    if (!(interval > 0.0))
      r_.fail(element(where, "interval"), "interval must be positive", "> 0 s",
              fmt::format("{}", interval));
    if (start < 0.0)
      r_.fail(element(where, "startTime"), "negative start time", ">= 0 s",
              fmt::format("{}", start));
    if (end >= 0.0 && end < start) {
      r_.fail(element(where, "endTime"), "flow ends before it starts",
              fmt::format("-1 (no end) or >= startTime {}", start), fmt::format("{}", end));
    }
    const double last = end < 0.0 ? horizon_s_ : std::min(end, horizon_s_);
    for (std::size_t k = 0;; ++k) {
      const double t = start + static_cast<double>(k) * interval;
      if (t > last + 1e-9 || t >= horizon_s_) break;
      if (pending_.size() >= traffic::kMaxTrips) {
        r_.fail(element(where, "interval"), "too many trips",
                fmt::format("at most {} trips in all", traffic::kMaxTrips),
                fmt::format("{} s between departures from {} to {} s", interval, start, last));
      }
      pending_.push_back({t, f, k, {t, type, route_begin, static_cast<Index>(route.size())}});
    }
  }

  // The route just appended at route_roads[begin..]: if an earlier flow has the same one,
  // drops the copy and returns the earlier route's start (a generated 30x30 grid's 24,000
  // flows have 5,425 distinct routes), else keeps it and returns `begin`.
  Index share_route(Index begin) {
    const auto route = std::span(d_.route_roads).subspan(begin);
    std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a over the road indices
    for (const Index road : route) hash = (hash ^ road) * 1099511628211ULL;
    const auto [first, last] = route_of_hash_.equal_range(hash);
    for (auto it = first; it != last; ++it) {
      const auto [other, length] = it->second;
      if (length == route.size() &&
          std::equal(route.begin(), route.end(), d_.route_roads.begin() + other)) {
        d_.route_roads.resize(begin);
        return other;
      }
    }
    route_of_hash_.emplace(hash, std::pair{begin, static_cast<Index>(route.size())});
    return begin;
  }

  traffic::Demand finish() {
    // By departure; ties keep file order, as CityFlow creates vehicles flow by flow.
    std::stable_sort(pending_.begin(), pending_.end(),
                     [](const Pending& a, const Pending& b) { return a.depart_s < b.depart_s; });
    d_.trips.reserve(pending_.size());
    d_.trip_id.reserve(pending_.size());
    for (const Pending& p : pending_) {
      d_.trips.push_back(p.trip);
      d_.trip_id.push_back(fmt::format("flow_{}_{}", p.flow, p.k));
    }
    pending_ = {};
    route_of_hash_ = {};
    d_.route_roads.shrink_to_fit();
    traffic::validate(d_, net_, r_.file());
    return std::move(d_);
  }

 private:
  struct Pending {
    double depart_s;
    std::size_t flow;
    std::size_t k;
    traffic::Trip trip;
  };

  JsonReader r_;
  const traffic::Network& net_;
  double horizon_s_;
  std::unordered_map<std::string, Index> road_of_;
  // Route hash -> start and length of the routes with that hash.
  std::unordered_multimap<std::uint64_t, std::pair<Index, Index>> route_of_hash_;
  traffic::Demand d_;
  std::vector<Pending> pending_;
};

}  // namespace

traffic::Demand import_cityflow_flow(const Json& doc, const std::string& path,
                                     const traffic::Network& net, double horizon_s) {
  const JsonReader r(path);
  if (!doc.is_array()) r.fail("", "a CityFlow flow file must be a JSON array of flows", "an array");
  FlowReader reader(path, net, horizon_s);
  for (std::size_t f = 0; f < doc.size(); ++f) reader.add_flow(doc[f], f);
  return reader.finish();
}

traffic::Demand read_cityflow_flow(const std::string& path, const traffic::Network& net,
                                   double horizon_s) {
  FlowReader reader(path, net, horizon_s);
  JsonStream stream;  // no keys: the root array's flows are streamed
  stream.on_element = [&](std::string_view, std::size_t f, const Json& flow) {
    reader.add_flow(flow, f);
  };
  const Json rest = stream_json_file(path, stream);
  if (!rest.is_array()) {
    throw Error("JSON file is not a CityFlow flow file")
        .in_file(path)
        .expected("an array of flows with \"vehicle\" and \"route\"");
  }
  return reader.finish();
}

}  // namespace parktwin::scenarios

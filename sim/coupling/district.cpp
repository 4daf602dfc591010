#include "sim/coupling/district.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "engine/error.h"
#include "engine/rng.h"

namespace parktwin::coupling {

namespace {

Error building_error(const buildings::BuildingStock& stock, std::size_t b, const std::string& field,
                     const std::string& message) {
  Error e(message);
  if (!stock.file[b].empty()) e.in_file(stock.file[b]);
  if (stock.line[b] > 0) e.at_line(stock.line[b]);
  e.field(fmt::format("building '{}': {}", stock.id[b], field));
  return e;
}

geo::Vec2 centroid(geo::PolylineView ring) {
  // The vertices' mean: inside for the convex and near-convex footprints of a district, and
  // only a reference point for the nearest road.
  geo::Vec2 c{0.0, 0.0};
  const auto pts = ring.points();
  const std::size_t n = pts.size() > 1 ? pts.size() - 1 : pts.size();  // closed: last = first
  for (std::size_t i = 0; i < n; ++i) c = c + geo::Vec2(pts[i]);
  return c * (1.0 / static_cast<double>(n));
}

double distance_to_polyline(geo::Vec2 p, geo::PolylineView line) {
  const auto pts = line.points();
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
    best = std::min(best, geo::distance_to_segment(p, pts[i], pts[i + 1]));
  }
  return best;
}

}  // namespace

energy::DistrictAssets district_assets(const buildings::BuildingStock& stock,
                                       const energy::GridSpec* grid) {
  energy::DistrictAssets a;
  const std::size_t n = stock.size();
  constexpr double kUnlimited = std::numeric_limits<double>::infinity();
  if (grid != nullptr) {
    for (const energy::SubstationSpec& s : grid->substations) {
      a.substation_name.push_back(s.name);
      a.substation_capacity_w.push_back(s.capacity_kw * 1000.0);
    }
    for (const energy::FeederSpec& f : grid->feeders) {
      const auto it = std::find(a.substation_name.begin(), a.substation_name.end(), f.substation);
      if (it == a.substation_name.end()) {
        throw Error("feeder on an unknown substation")
            .in_file(grid->file)
            .at_line(f.line)
            .field("substation")
            .found(f.substation);
      }
      a.feeder_name.push_back(f.name);
      a.feeder_capacity_w.push_back(f.capacity_kw * 1000.0);
      a.feeder_substation.push_back(static_cast<std::uint32_t>(it - a.substation_name.begin()));
    }
  } else {
    a.substation_name = {"site"};
    a.substation_capacity_w = {kUnlimited};
  }
  a.feeder.resize(n);
  a.battery.resize(n);
  a.chargers.resize(n);
  a.charger_w.resize(n);
  for (std::size_t b = 0; b < n; ++b) {
    const std::string& name = stock.feeder[b];
    // With a grid, every building names one of its feeders ("site" is no default there).
    auto it =
        grid != nullptr && name.empty()
            ? a.feeder_name.end()
            : std::find(a.feeder_name.begin(), a.feeder_name.end(), name.empty() ? "site" : name);
    if (it == a.feeder_name.end()) {
      if (grid != nullptr) {
        throw building_error(stock, b, "feeder",
                             name.empty() ? "building without a feeder" : "unknown feeder")
            .expected(fmt::format("a feeder of {}: {}", grid->file, comma_list(a.feeder_name)))
            .found(name.empty() ? "none" : "'" + name + "'");
      }
      a.feeder_name.push_back(name.empty() ? "site" : name);
      a.feeder_capacity_w.push_back(kUnlimited);
      a.feeder_substation.push_back(0);
      it = a.feeder_name.end() - 1;
    }
    a.feeder[b] = static_cast<std::uint32_t>(it - a.feeder_name.begin());
    energy::BatterySpec& bat = a.battery[b];
    bat.capacity_kwh = stock.battery_kwh[b];
    bat.power_kw = stock.battery_kw[b];
    a.chargers[b] = stock.chargers[b];
    a.charger_w[b] = static_cast<double>(stock.charger_kw[b]) * 1000.0;
  }
  return a;
}

CarParks car_parks(const buildings::BuildingStock& stock, const traffic::Network& net) {
  const std::size_t roads = net.road_count();
  std::vector<std::vector<std::uint32_t>> per_road(roads);
  for (std::size_t b = 0; b < stock.size(); ++b) {
    if (stock.chargers[b] == 0) continue;
    if (!stock.car_park_roads[b].empty()) {
      for (const std::string& id : stock.car_park_roads[b]) {
        const traffic::Index r = net.find_road(id);
        if (r == traffic::kNone) {
          throw building_error(stock, b, "car_park_road", "unknown road")
              .expected("a road id of the network")
              .found("'" + id + "'");
        }
        // A road named twice does not weigh the car park twice.
        if (per_road[r].empty() || per_road[r].back() != b) {
          per_road[r].push_back(static_cast<std::uint32_t>(b));
        }
      }
      continue;
    }
    // The nearest road: the one whose lanes pass nearest to the centroid (ties: the lower index).
    const geo::Vec2 c = centroid(stock.footprint[b]);
    double best = std::numeric_limits<double>::infinity();
    traffic::Index best_road = traffic::kNone;
    for (traffic::Index lane = 0; lane < net.lane_count(); ++lane) {
      const double d = distance_to_polyline(c, net.seg_shape[lane]);
      if (d < best) {
        best = d;
        best_road = net.lane_road[lane];
      }
    }
    if (best_road == traffic::kNone) {
      throw building_error(stock, b, "chargers", "chargers but no road to reach them")
          .expected("a network with roads, or car_park_road");
    }
    per_road[best_road].push_back(static_cast<std::uint32_t>(b));
  }
  CarParks p;
  p.road_begin.assign(roads + 1, 0);
  for (std::size_t r = 0; r < roads; ++r) {
    p.road_begin[r + 1] = p.road_begin[r] + static_cast<std::uint32_t>(per_road[r].size());
    double sum = 0.0;
    for (const std::uint32_t b : per_road[r]) {
      sum += stock.chargers[b];
      p.building.push_back(b);
      p.weight_end.push_back(sum);
    }
  }
  return p;
}

double mean_stay_h(buildings::UseType use) {
  using buildings::UseType;
  switch (use) {
    case UseType::office:
    case UseType::lab:
    case UseType::manufacturing:
      return 9.0;
    case UseType::campus:
      return 6.0;
    case UseType::retail:
      return 2.0;
    case UseType::residential:
      return 12.0;
  }
  return 9.0;
}

std::size_t ev_trip_count(const traffic::Demand& demand) {
  std::size_t n = 0;
  for (const traffic::Trip& t : demand.trips) n += demand.types[t.type].ev ? 1 : 0;
  return n;
}

void plug_in_arrivals(const traffic::TrafficSim& traffic, const CarParks& parks,
                      const buildings::BuildingStock& stock, energy::EnergySim& energy,
                      std::uint64_t seed) {
  const traffic::TrafficState& s = traffic.state();
  const traffic::Demand& demand = traffic.demand();
  const double now = traffic.time_s();
  for (const traffic::Index v : s.finished_last_step) {
    const traffic::VehicleType& type = demand.types[demand.trips[v].type];
    if (!type.ev) continue;
    const traffic::Index road = traffic.route_road(v, traffic.route_length(v) - 1);
    const std::uint32_t begin = parks.road_begin[road], end = parks.road_begin[road + 1];
    if (begin == end) continue;  // no car park with chargers there
    // One of the road's car parks, drawn by their chargers.
    const double total = parks.weight_end[end - 1];
    const double u = rng::uniform(seed, CouplingStream::car_park, v, 0) * total;
    std::uint32_t k = begin;
    while (k + 1 < end && parks.weight_end[k] <= u) ++k;
    const std::uint32_t b = parks.building[k];
    const double departure_soc =
        type.initial_soc +
        kSocSpread * (2.0 * rng::uniform(seed, CouplingStream::departure_soc, v, 0) - 1.0);
    const double driven_kwh =
        static_cast<double>(s.totals[v].distance_m) / 1000.0 * type.consumption_kwh_per_km;
    // A car does not drive below empty: a trip longer than its battery arrives at 0.
    const double arrival_kwh = std::max(0.0, departure_soc * type.battery_kwh - driven_kwh);
    const double need_kwh = std::max(0.0, kTargetSoc * type.battery_kwh - arrival_kwh);
    const double stay_s = mean_stay_h(stock.use[b]) * 3600.0 *
                          (0.75 + 0.5 * rng::uniform(seed, CouplingStream::stay, v, 0));
    energy.plug_in(b, now, now + stay_s, need_kwh);
  }
}

}  // namespace parktwin::coupling

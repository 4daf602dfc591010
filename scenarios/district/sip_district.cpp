// The SIP district's rules. Each constant says where its number comes from; those marked
// "assumption" are chosen, within the ranges docs/sip-district.md cites, not measured.

#include "scenarios/district/sip_district.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "engine/error.h"
#include "engine/rng.h"
#include "scenarios/district/signal_timing.h"

namespace parktwin::scenarios::district {

namespace {

// --- the street plan
constexpr int kColumns = 15, kRows = 11;  // junctions: 5.6 km x 4 km
constexpr double kSpacing_m = 400.0;      // superblock side (assumption, docs: SIP's blocks)
// Arterials on every third line, collectors between (SIP's 1.2 km arterial grid: assumption).
bool arterial_line(int i) { return i % 3 == 1; }

// --- the lake (in the role of Jinji Lake, about half its 7.4 km2) and its shore road
constexpr double kLakeX = 2000.0, kLakeY = 2000.0, kLakeA = 950.0, kLakeB = 1250.0;
constexpr double kShoreRoad_m = 150.0;  // junctions this close to the water are left out
double lake_distance(double x, double y, double margin) {  // < 1 inside the lake + margin
  const double dx = (x - kLakeX) / (kLakeA + margin), dy = (y - kLakeY) / (kLakeB + margin);
  return dx * dx + dy * dy;
}

// --- buildings
constexpr double kSetback_m = 25.0;  // block edge to building line, from street centre lines
constexpr double kFloorAreaPerDwelling_m2 = 90.0;  // gross, per home (assumption)
// Car trips in the morning peak (07:00-10:00) per home and commuters from outside per job
// (assumptions: docs/sip-district.md, demand).
constexpr double kCarTripsPerDwelling = 0.20;
constexpr double kInboundTripsPerJob = 0.045;
constexpr double kOutboundShare = 0.10;  // of the residents' car trips, leaving the district
// Mean of the gravity model's exponential deterrence: trips of a few kilometres inside the
// district (assumption, docs/sip-district.md).
constexpr double kTripLength_m = 2500.0;
// Charger share of parking spaces (assumption; Jiangsu asks new car parks to prepare all).
constexpr double kChargerShare = 0.10;
constexpr double kPvKwpPerM2 = 0.20;  // a 20%-efficient module, per m2 of panel

enum class Zone { water, park, cbd, science, biomedical, industrial, centre, residential };

struct UseRules {
  const char* use;
  double storey_m;               // floor to floor
  double floor_area_per_job_m2;  // 0: homes, no jobs
  double spaces_per_100m2;       // parking spaces per 100 m2 of floor area (homes: per dwelling)
  double roof_pv_share;          // share of the roof covered by PV
  double design_w_per_m2;        // peak load for feeder planning (GB/T 50293-2014 ranges)
};
// Indices: office, lab, manufacturing, residential, retail, campus.
constexpr std::array<UseRules, 6> kUses{{
    {"office", 4.0, 25.0, 0.8, 0.0, 60.0},
    {"lab", 4.5, 40.0, 0.6, 0.4, 90.0},
    {"manufacturing", 8.0, 100.0, 0.2, 0.7, 70.0},
    {"residential", 3.0, 0.0, 1.0, 0.0, 20.0},
    {"retail", 5.0, 40.0, 0.8, 0.0, 90.0},
    {"campus", 4.0, 50.0, 0.5, 0.4, 35.0},
}};
enum Use { office, lab, manufacturing, residential, retail, campus };

struct Building {
  double x0, y0, x1, y1;
  Use use;
  int floors;
  int block;  // index into the blocks
  int side;   // which of the block's streets its car park opens onto (0..3)
  double battery_kwh = 0.0, battery_kw = 0.0;
  double floor_area() const { return (x1 - x0) * (y1 - y0) * floors; }
  double roof() const { return (x1 - x0) * (y1 - y0); }
};

struct Block {
  int c, r;  // its south-west junction
  Zone zone;
  double x0, y0, x1, y1;  // the building land (inside the setback)
};

// --- random streams (arbitrary, distinct from the simulator's)
enum class SipStream : rng::StreamId {
  height = 0x53490001u,
  origin = 0x53490002u,
  destination = 0x53490003u,
  window = 0x53490004u,
};

Zone zone_of(double bx, double by, int c, int r) {
  if (bx < 1100.0 && by >= 1000.0 && by <= 3000.0) return Zone::cbd;
  if (by < 800.0 && bx >= 1200.0 && bx < 3600.0) return Zone::science;
  if (by < 1600.0 && bx >= 3600.0) return Zone::biomedical;
  if (bx >= 4400.0 && by >= 1600.0) return Zone::industrial;
  if ((c + 2 * r) % 5 == 0) return Zone::centre;
  return Zone::residential;
}

StreetGrid sip_streets() {
  StreetGrid g;
  for (int c = 0; c < kColumns; ++c) {
    g.column_x_m.push_back(c * kSpacing_m);
    g.column_class.push_back(arterial_line(c) ? StreetClass::arterial : StreetClass::collector);
  }
  for (int r = 0; r < kRows; ++r) {
    g.row_y_m.push_back(r * kSpacing_m);
    g.row_class.push_back(arterial_line(r) ? StreetClass::arterial : StreetClass::collector);
  }
  g.present.assign(static_cast<std::size_t>(kColumns * kRows), 1);
  for (int r = 0; r < kRows; ++r) {
    for (int c = 0; c < kColumns; ++c) {
      if (lake_distance(c * kSpacing_m, r * kSpacing_m, kShoreRoad_m) < 1.0) {
        g.present[static_cast<std::size_t>(r * kColumns + c)] = 0;
      }
    }
  }
  // A junction left with fewer than two streets by the lake is left out too.
  for (bool changed = true; changed;) {
    changed = false;
    for (int r = 0; r < kRows; ++r) {
      for (int c = 0; c < kColumns; ++c) {
        const auto at = [&](int cc, int rr) {
          return cc >= 0 && rr >= 0 && cc < kColumns && rr < kRows &&
                 g.present[static_cast<std::size_t>(rr * kColumns + cc)] != 0;
        };
        if (!at(c, r)) continue;
        const int degree = at(c + 1, r) + at(c - 1, r) + at(c, r + 1) + at(c, r - 1);
        if (degree < 2) {
          g.present[static_cast<std::size_t>(r * kColumns + c)] = 0;
          changed = true;
        }
      }
    }
  }
  return g;
}

std::vector<Block> sip_blocks(const StreetGrid& g, SipCounts& n) {
  std::vector<Block> blocks;
  // Serpentine order, column by column: neighbouring blocks share feeders.
  for (int c = 0; c + 1 < kColumns; ++c) {
    for (int k = 0; k + 1 < kRows; ++k) {
      const int r = c % 2 == 0 ? k : kRows - 2 - k;
      const auto cu = static_cast<std::size_t>(c), ru = static_cast<std::size_t>(r);
      const double bx = (c + 0.5) * kSpacing_m, by = (r + 0.5) * kSpacing_m;
      const bool ring =
          g.has(cu, ru) && g.has(cu + 1, ru) && g.has(cu, ru + 1) && g.has(cu + 1, ru + 1);
      Zone zone = zone_of(bx, by, c, r);
      if (lake_distance(bx, by, 0.0) < 1.0) {
        zone = Zone::water;
      } else if (!ring || lake_distance(bx, by, 300.0) < 1.0) {
        zone = Zone::park;  // the lake's shore: a park, as round Jinji Lake
        ++n.parks;
      }
      blocks.push_back({c, r, zone, c * kSpacing_m + kSetback_m, r * kSpacing_m + kSetback_m,
                        (c + 1) * kSpacing_m - kSetback_m, (r + 1) * kSpacing_m - kSetback_m});
    }
  }
  return blocks;
}

// A whole number of floors in [lo, hi] for building `id`.
int floors_between(std::uint64_t seed, std::uint32_t id, int lo, int hi) {
  return lo + static_cast<int>(rng::uniform_int(seed, SipStream::height, id, 0,
                                                static_cast<std::uint64_t>(hi - lo + 1)));
}

// The buildings of one block, by its zone's template (docs/sip-district.md, buildings).
void place_buildings(const Block& b, int block_index, std::uint64_t seed,
                     std::vector<Building>& out) {
  const double w = b.x1 - b.x0, h = b.y1 - b.y0;
  int side = 0;
  const auto add = [&](double cx, double cy, double sx, double sy, Use use, int floors) {
    out.push_back({b.x0 + cx * w - sx / 2, b.y0 + cy * h - sy / 2, b.x0 + cx * w + sx / 2,
                   b.y0 + cy * h + sy / 2, use, floors, block_index, side++ % 4});
  };
  const auto id = [&] { return static_cast<std::uint32_t>(out.size()); };
  switch (b.zone) {
    case Zone::water:
    case Zone::park:
      return;
    case Zone::cbd:  // two towers of 30-70 floors (120-280 m), two of 10-20, a retail podium
      add(0.22, 0.22, 40, 40, office, floors_between(seed, id(), 30, 70));
      add(0.78, 0.78, 40, 40, office, floors_between(seed, id(), 30, 70));
      add(0.78, 0.22, 40, 30, office, floors_between(seed, id(), 10, 20));
      add(0.22, 0.78, 40, 30, office, floors_between(seed, id(), 10, 20));
      add(0.5, 0.5, 120, 60, retail, 4);
      return;
    case Zone::science:  // teaching buildings, labs and student housing
      for (int i = 0; i < 6; ++i)
        add(0.2 + 0.3 * (i % 3), 0.15 + 0.25 * (i / 3), 70, 20, campus, 5);
      for (int i = 0; i < 2; ++i) add(0.25 + 0.5 * i, 0.65, 50, 30, lab, 5);
      for (int i = 0; i < 4; ++i) add(0.14 + 0.24 * i, 0.88, 15, 50, residential, 8);
      return;
    case Zone::biomedical:  // laboratories with 24-hour loads
      for (int i = 0; i < 6; ++i) add(0.25 + 0.5 * (i % 2), 0.15 + 0.35 * (i / 2), 60, 30, lab, 6);
      return;
    case Zone::industrial: {  // manufacturing halls with large roofs, nanotech labs, an office
      for (int i = 0; i < 4; ++i)
        add(0.27 + 0.46 * (i % 2), 0.2 + 0.4 * (i / 2), 140, 90, manufacturing, 2);
      out[out.size() - 4].battery_kwh = 2000.0;  // one battery per block (assumption)
      out[out.size() - 4].battery_kw = 1000.0;
      add(0.27, 0.88, 80, 30, lab, 4);
      add(0.73, 0.88, 40, 20, office, 5);
      return;
    }
    case Zone::centre:  // a neighbourhood centre: shops, a school, homes
      add(0.3, 0.2, 120, 60, retail, 3);
      add(0.75, 0.2, 80, 20, campus, 4);
      for (int i = 0; i < 10; ++i) {
        add(0.1 + 0.2 * (i % 5), 0.55 + 0.35 * (i / 5), 24, 20, residential,
            floors_between(seed, id(), 18, 24));
      }
      return;
    case Zone::residential:  // four rows of six towers, spaced for winter sun
      for (int i = 0; i < 24; ++i) {
        add(0.07 + 0.172 * (i % 6), 0.06 + 0.29 * (i / 6), 24, 20, residential,
            floors_between(seed, id(), 11, 18));
      }
      return;
  }
}

Json rectangle(double x0, double y0, double x1, double y1) {
  return Json{
      {"type", "Polygon"},
      {"coordinates", Json::array({Json::array({Json::array({x0, y0}), Json::array({x1, y0}),
                                                Json::array({x1, y1}), Json::array({x0, y1}),
                                                Json::array({x0, y0})})})}};
}

// The streets round a block, counter-clockwise from its south side.
std::array<std::string, 4> block_roads(const Block& b) {
  return {road_id(b.c, b.r, 0), road_id(b.c + 1, b.r, 1), road_id(b.c + 1, b.r + 1, 2),
          road_id(b.c, b.r + 1, 3)};
}

// Departures per 15 minutes from 07:00, peaking at 08:00-08:30 (assumption: the shape of a
// weekday morning peak in Chinese city commute surveys, docs/sip-district.md).
constexpr std::array<double, 12> kQuarterHourProfile{4, 6, 9, 12, 13, 12, 10, 8, 7, 6, 5, 4};

// Picks index i with probability weight[i] / total (cumulative weights, ascending).
std::size_t pick(const std::vector<double>& cumulative, double u) {
  const double x = u * cumulative.back();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), x);
  return std::min(static_cast<std::size_t>(it - cumulative.begin()), cumulative.size() - 1);
}

}  // namespace

SipDistrict make_sip_district(const SipSpec& spec) {
  if (!(spec.demand_scale > 0.0 && spec.demand_scale <= 4.0)) {
    throw Error("invalid district specification")
        .field("demand_scale")
        .expected("a share of the full-scale trips in (0, 4]")
        .found(fmt::format("{}", spec.demand_scale));
  }
  if (!(spec.duration_s >= 900.0 && spec.duration_s <= 3 * 3600.0)) {
    throw Error("invalid district specification")
        .field("duration_s")
        .expected("900 .. 10800 s (the morning peak from 07:00, in whole quarter hours used)")
        .found(fmt::format("{}", spec.duration_s));
  }
  SipDistrict d;
  SipCounts& n = d.counts;
  d.streets = sip_streets();
  const std::vector<StreetRoad> roads = street_roads(d.streets);
  n.roads = roads.size();
  for (const StreetRoad& r : roads) n.lanes += static_cast<std::size_t>(r.lanes);
  for (const Json& j : d.roadnet["intersections"])
    (j["virtual"].get<bool>() ? n.gates : n.junctions)++;

  // --- land use and buildings
  const std::vector<Block> blocks = sip_blocks(d.streets, n);
  std::vector<Building> buildings;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const std::size_t before = buildings.size();
    place_buildings(blocks[i], static_cast<int>(i), spec.seed, buildings);
    if (buildings.size() > before) ++n.blocks_built;
  }

  // Feeders in the blocks' serpentine order: a new one when the next building's design load
  // would take the present one past two thirds of its capacity (N-1 transfer, as the demo's
  // grid.toml explains); a tower beyond that gets a bundle of cables of its own.
  constexpr double kFeederKw = 6000.0, kFeederPlanKw = 4000.0, kSubstationKw = 47500.0;
  constexpr std::size_t kFeedersPerSubstation = 10;
  std::vector<double> feeder_kw;  // capacity of each feeder (a bundle: several cables)
  std::vector<std::size_t> building_feeder(buildings.size());
  double planned = kFeederPlanKw;  // forces a first feeder
  for (std::size_t i = 0; i < buildings.size(); ++i) {
    const double kw = buildings[i].floor_area() * kUses[buildings[i].use].design_w_per_m2 / 1000.0;
    if (kw > kFeederPlanKw) {
      feeder_kw.push_back(std::ceil(kw / kFeederPlanKw) * kFeederKw);
      building_feeder[i] = feeder_kw.size() - 1;
      planned = kFeederPlanKw;  // the next building starts a new feeder
      continue;
    }
    if (planned + kw > kFeederPlanKw) {
      feeder_kw.push_back(kFeederKw);
      planned = 0.0;
    }
    planned += kw;
    building_feeder[i] = feeder_kw.size() - 1;
  }
  n.feeders = feeder_kw.size();
  n.substations = (n.feeders + kFeedersPerSubstation - 1) / kFeedersPerSubstation;
  d.grid_toml = fmt::format(
      "# The SIP district's distribution grid, made by parktwin generate district --preset sip:\n"
      "# {} 10 kV feeders (6 MW each; towers beyond 4 MW get a bundle of their own) under {}\n"
      "# 110 kV substations (2 x 50 MVA, 47.5 MW firm). Rules: docs/sip-district.md.\n",
      n.feeders, n.substations);
  for (std::size_t s = 0; s < n.substations; ++s) {
    d.grid_toml += fmt::format("\n[[substations]]\nname = \"sub_110kv_{:02d}\"\ncapacity_kw = {}\n",
                               s + 1, kSubstationKw);
  }
  for (std::size_t f = 0; f < n.feeders; ++f) {
    d.grid_toml += fmt::format(
        "\n[[feeders]]\nname = \"feeder_{:03d}\"\ncapacity_kw = {}\nsubstation = "
        "\"sub_110kv_{:02d}\"\n",
        f + 1, feeder_kw[f], f / kFeedersPerSubstation + 1);
  }

  Json features = Json::array();
  std::vector<double> homes, staff_of;  // cumulative homes, and jobs per building
  double home_sum = 0.0, job_sum = 0.0;
  for (std::size_t i = 0; i < buildings.size(); ++i) {
    const Building& b = buildings[i];
    const UseRules& rules = kUses[b.use];
    const Block& block = blocks[static_cast<std::size_t>(b.block)];
    const double area = b.floor_area();
    const double dwellings = b.use == residential ? area / kFloorAreaPerDwelling_m2 : 0.0;
    const double staff = rules.floor_area_per_job_m2 > 0 ? area / rules.floor_area_per_job_m2 : 0.0;
    const double spaces = b.use == residential ? dwellings * rules.spaces_per_100m2
                                               : area / 100.0 * rules.spaces_per_100m2;
    const auto chargers = static_cast<int>(std::min(10000.0, std::round(spaces * kChargerShare)));
    const double pv = std::round(b.roof() * rules.roof_pv_share * kPvKwpPerM2);
    home_sum += dwellings;
    job_sum += staff;
    homes.push_back(home_sum);
    staff_of.push_back(staff);
    n.dwellings += static_cast<std::size_t>(std::lround(dwellings));
    n.jobs += static_cast<std::size_t>(std::lround(staff));
    n.chargers += static_cast<std::size_t>(chargers);
    n.floor_area_m2 += area;
    n.pv_kwp += pv;
    n.battery_kwh += b.battery_kwh;
    const std::array<std::string, 4> streets = block_roads(block);
    Json props = {{"id", fmt::format("{}-{:04d}", rules.use, i)},
                  {"use", rules.use},
                  {"height", b.floors * rules.storey_m},
                  {"floors", b.floors},
                  {"feeder", fmt::format("feeder_{:03d}", building_feeder[i] + 1)},
                  {"chargers", chargers},
                  {"car_park_road", streets[static_cast<std::size_t>(b.side)]}};
    if (pv > 0) props["pv_kwp"] = pv;
    if (b.battery_kwh > 0) {
      props["battery_kwh"] = b.battery_kwh;
      props["battery_kw"] = b.battery_kw;
    }
    features.push_back({{"type", "Feature"},
                        {"properties", std::move(props)},
                        {"geometry", rectangle(b.x0, b.y0, b.x1, b.y1)}});
  }
  n.buildings = buildings.size();
  d.buildings = {{"type", "FeatureCollection"},
                 {"name", "SIP district (synthetic), parktwin generate district --preset sip"},
                 {"description",
                  "Synthetic geometry in the structure of Suzhou Industrial Park's plan, not a "
                  "survey; coordinates in scenario metres (x east, y north). docs/sip-district.md"},
                 {"features", std::move(features)}};

  // --- land cover: the parks on the lake's shore, then the lake (drawn over their edges)
  Json cover = Json::array();
  Json ring = Json::array();
  constexpr int kLakePoints = 72;
  for (int i = 0; i <= kLakePoints; ++i) {
    const double a = 2.0 * std::numbers::pi * (i % kLakePoints) / kLakePoints;
    ring.push_back(Json::array({std::round((kLakeX + kLakeA * std::cos(a)) * 10) / 10,
                                std::round((kLakeY + kLakeB * std::sin(a)) * 10) / 10}));
  }
  for (const Block& b : blocks) {
    if (b.zone != Zone::park) continue;
    cover.push_back({{"type", "Feature"},
                     {"properties", {{"cover", "park"}, {"name", "lakeside park"}}},
                     {"geometry", rectangle(b.x0, b.y0, b.x1, b.y1)}});
  }
  cover.push_back({{"type", "Feature"},
                   {"properties", {{"cover", "water"}, {"name", "the lake (Jinji Lake's role)"}}},
                   {"geometry", {{"type", "Polygon"}, {"coordinates", Json::array({ring})}}}});
  d.land_cover = {{"type", "FeatureCollection"}, {"features", std::move(cover)}};

  // --- demand: homes to jobs inside, commuters in through the gates and out
  std::vector<std::string> entries, exits;
  std::vector<std::pair<double, double>> entry_at;  // the gate each entry starts at
  for (const StreetRoad& r : roads) {
    if (r.from_gate) {
      entries.push_back(road_id(r.column, r.row, r.direction));
      entry_at.push_back(node_position(d.streets, r.column, r.row));
    }
    if (r.to_gate) exits.push_back(road_id(r.column, r.row, r.direction));
  }
  // Destinations by a gravity model (Wilson 1967; Ortuzar & Willumsen, Modelling Transport,
  // ch. 5): a workplace draws in proportion to its jobs times exp(-distance / kTripLength_m),
  // cumulative weights per origin point, made once per point.
  std::map<std::pair<double, double>, std::vector<double>> jobs_from;
  const auto jobs_seen_from = [&](std::pair<double, double> at) -> const std::vector<double>& {
    auto [it, fresh] = jobs_from.try_emplace(at);
    if (fresh) {
      double total = 0.0;
      for (std::size_t i = 0; i < buildings.size(); ++i) {
        const Building& b = buildings[i];
        const double dx = (b.x0 + b.x1) / 2 - at.first, dy = (b.y0 + b.y1) / 2 - at.second;
        total += staff_of[i] * std::exp(-std::hypot(dx, dy) / kTripLength_m);
        it->second.push_back(total);
      }
    }
    return it->second;
  };
  const auto block_centre = [&](std::size_t building) {
    const Block& b = blocks[static_cast<std::size_t>(buildings[building].block)];
    return std::pair{(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2};
  };
  const auto windows = static_cast<std::size_t>(std::floor(spec.duration_s / 900.0));
  std::vector<double> profile;
  double profile_sum = 0.0;
  for (std::size_t w = 0; w < windows; ++w)
    profile.push_back(profile_sum += kQuarterHourProfile[w]);
  double full_sum = 0.0;
  for (const double v : kQuarterHourProfile) full_sum += v;
  const double share = profile_sum / full_sum;  // of the three hours' trips in the duration
  const auto internal = static_cast<std::size_t>(
      std::lround(spec.demand_scale * share * home_sum * kCarTripsPerDwelling));
  const auto inbound = static_cast<std::size_t>(
      std::lround(spec.demand_scale * share * job_sum * kInboundTripsPerJob));
  const auto outbound =
      static_cast<std::size_t>(std::lround(static_cast<double>(internal) * kOutboundShare));
  std::map<std::pair<std::string, std::string>, std::vector<int>> od;
  const auto street_of = [&](std::size_t building) {
    const Building& b = buildings[building];
    return block_roads(blocks[static_cast<std::size_t>(b.block)])[static_cast<std::size_t>(b.side)];
  };
  std::uint32_t trip = 0;
  const auto add_trip = [&](const std::string& from, const std::string& to) {
    const std::size_t w = pick(profile, rng::uniform(spec.seed, SipStream::window, trip, 0));
    auto& cells = od[{from, to}];
    cells.resize(windows);
    ++cells[w];
    ++n.trips;
  };
  for (std::size_t k = 0; k < internal + outbound + inbound; ++k, ++trip) {
    const bool in = k >= internal + outbound, out = !in && k >= internal;
    const std::size_t gate =
        in ? rng::uniform_int(spec.seed, SipStream::origin, trip, 0, entries.size()) : 0;
    const std::size_t home =
        in ? 0 : pick(homes, rng::uniform(spec.seed, SipStream::origin, trip, 0));
    const std::string from = in ? entries[gate] : street_of(home);
    const std::vector<double>& jobs =
        out ? homes : jobs_seen_from(in ? entry_at[gate] : block_centre(home));
    std::string to;
    for (std::uint64_t attempt = 0; attempt < 16 && (to.empty() || to == from); ++attempt) {
      to = out ? exits[rng::uniform_int(spec.seed, SipStream::destination, trip, attempt,
                                        exits.size())]
               : street_of(
                     pick(jobs, rng::uniform(spec.seed, SipStream::destination, trip, attempt)));
    }
    if (to == from) continue;  // a home beside its workplace: no car trip
    add_trip(from, to);
    if (in) ++n.trips_inbound;
    if (out) ++n.trips_outbound;
  }
  // --- signal plans by Webster's method for the busiest hour of the demand
  std::size_t peak_first = 0;
  const std::size_t hour = std::min<std::size_t>(4, windows);
  double peak_count = -1.0;
  for (std::size_t w = 0; w + hour <= windows; ++w) {
    double count = 0.0;
    for (const auto& [pair, cells] : od) {
      for (std::size_t k = w; k < w + hour; ++k) count += cells[k];
    }
    if (count > peak_count) {
      peak_count = count;
      peak_first = w;
    }
  }
  std::vector<DesignTrip> design;
  for (const auto& [pair, cells] : od) {
    double count = 0.0;
    for (std::size_t k = peak_first; k < peak_first + hour; ++k) count += cells[k];
    if (count > 0)
      design.push_back({pair.first, pair.second, count * 4.0 / static_cast<double>(hour)});
  }
  TimingSummary timing;
  d.roadnet = street_grid_roadnet(d.streets, webster_greens(d.streets, design, &timing));
  n.timed_junctions = timing.junctions;
  n.mean_cycle_s = timing.mean_cycle_s;
  n.max_cycle_s = timing.max_cycle_s;
  n.saturated_junctions = timing.saturated;
  n.design_hour_start_s = static_cast<double>(peak_first) * 900.0;
  for (const Json& j : d.roadnet["intersections"])
    (j["virtual"].get<bool>() ? n.gates : n.junctions)++;

  d.od_csv =
      "# Morning-peak car trips of the SIP district (parktwin generate district --preset sip):\n"
      "# homes to jobs by floor area, commuters in and out through the gates; "
      "docs/sip-district.md\n"
      "origin,destination";
  for (std::size_t w = 0; w < windows; ++w)
    d.od_csv += fmt::format(",{}-{}", w * 900, (w + 1) * 900);
  d.od_csv += "\n";
  for (const auto& [pair, cells] : od) {
    d.od_csv += pair.first + "," + pair.second;
    for (const int v : cells) d.od_csv += fmt::format(",{}", v);
    d.od_csv += "\n";
  }
  return d;
}

}  // namespace parktwin::scenarios::district

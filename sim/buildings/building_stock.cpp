// The building stock: each building's geometry, envelope, gains and ISO 13790 5R1C zone from
// its BuildingSpec and its use's archetype (archetypes.cpp). Sources:
//   ISO 13790:2008 8.3 (H_tr = sum U A; windows apart from the opaque elements, as the 5R1C
//   network of Annex C wants them), 9.3 (H_ve = rho_a c_a q_ve), 12.3 (one zone per building
//   when it is conditioned alike throughout);
//   the shoelace formula for the footprint's area, whose sign gives the ring's orientation.
// Every check names the building, the file and line it came from, the field and what was
// expected (STYLE.md rule 6); nothing is clamped.

#include "sim/buildings/building_stock.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/error.h"

namespace parktwin::buildings {

namespace {

using geo::Vec2;

// The storey heights that floors and height may imply: below 2 m nobody stands, above 10 m a
// "floor" is a hall that the data should say is one storey.
constexpr double kMinStoreyM = 2.0, kMaxStoreyM = 10.0;
// The tallest building stands 828 m; a larger height is a unit error (mm, feet x 1000).
constexpr double kMaxHeightM = 1000.0;
// U-values above single glazing's ~5.8 W/m2K are not an envelope.
constexpr double kMaxU = 10.0;
// Set-points outside this range are not a building's.
constexpr double kMinSetpointC = 0.0, kMaxSetpointC = 50.0;
// A footprint smaller than this is a digitising slip, not a building.
constexpr double kMinFootprintM2 = 1.0;

// Errors about spec `s`, in its file and at its line, naming the building in the message.
Error spec_error(const BuildingSpec& s, std::string_view field, const std::string& what) {
  Error e(fmt::format("building '{}': {}", s.id, what));
  e.in_file(s.file).at_line(s.line).field(std::string(field));
  return e;
}

std::string num(double v) { return fmt::format("{:g}", v); }

// Segments [a, b] and [c, d] share a point (crossing, touching or overlapping).
double orient(Vec2 a, Vec2 b, Vec2 c) { return geo::cross(b - a, c - a); }
bool on_segment(Vec2 a, Vec2 b, Vec2 p) {  // p collinear with [a, b]: within its box?
  return std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
         p.y <= std::max(a.y, b.y);
}
bool segments_meet(Vec2 a, Vec2 b, Vec2 c, Vec2 d) {
  const double o1 = orient(a, b, c), o2 = orient(a, b, d);
  const double o3 = orient(c, d, a), o4 = orient(c, d, b);
  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) {
    return true;
  }
  return (o1 == 0 && on_segment(a, b, c)) || (o2 == 0 && on_segment(a, b, d)) ||
         (o3 == 0 && on_segment(c, d, a)) || (o4 == 0 && on_segment(c, d, b));
}

// The footprint as an open ring (a closing point equal to the first is dropped), checked to be
// a simple polygon of finite points; relative to its first point, so that the cross products
// of coordinates far from the origin keep their precision.
std::vector<Vec2> checked_ring(const BuildingSpec& s) {
  std::vector<Vec2> ring = s.footprint;
  if (ring.size() >= 2 && ring.front() == ring.back()) ring.pop_back();
  for (std::size_t i = 0; i < ring.size(); ++i) {
    if (!std::isfinite(ring[i].x) || !std::isfinite(ring[i].y)) {
      throw spec_error(s, fmt::format("footprint[{}]", i), "footprint point is not finite")
          .expected("finite x and y (m)");
    }
  }
  if (ring.size() < 3) {
    throw spec_error(s, "footprint", "footprint has fewer than 3 distinct points")
        .expected("a polygon of >= 3 points")
        .found(fmt::format("{} points", ring.size()));
  }
  const std::size_t n = ring.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (ring[i] == ring[(i + 1) % n]) {
      throw spec_error(s, fmt::format("footprint[{}]", (i + 1) % n),
                       "footprint point repeats the one before it")
          .expected("consecutive points apart")
          .found(fmt::format("({:g}, {:g}) twice", ring[i].x, ring[i].y));
    }
  }
  const Vec2 origin = ring.front();
  for (Vec2& p : ring) p = p - origin;
  // O(n^2) over edge pairs: footprints have a handful of corners. Edge i runs from point i to
  // point i + 1. Neighbours share a corner and may only meet there: they overlap when they
  // fold back onto each other (a spike).
  for (std::size_t i = 0; i < n; ++i) {
    const Vec2 a = ring[i], b = ring[(i + 1) % n];
    for (std::size_t j = i + 1; j < n; ++j) {
      const Vec2 c = ring[j], d = ring[(j + 1) % n];
      bool meet = false;
      if (j == i + 1) {  // b == c
        meet = geo::cross(a - b, d - b) == 0.0 && geo::dot(a - b, d - b) > 0.0;
      } else if (i == 0 && j == n - 1) {  // d == a
        meet = geo::cross(b - a, c - a) == 0.0 && geo::dot(b - a, c - a) > 0.0;
      } else {
        meet = segments_meet(a, b, c, d);
      }
      if (meet) {
        throw spec_error(s, "footprint", fmt::format("footprint edges {} and {} cross", i, j))
            .expected("a simple polygon (edges meet only at shared corners)")
            .found(fmt::format("edge {} from point {} to {}, edge {} from point {} to {}", i, i,
                               (i + 1) % n, j, j, (j + 1) % n));
      }
    }
  }
  for (Vec2& p : ring) p = p + origin;
  return ring;
}

double checked(const BuildingSpec& s, std::string_view field, double v, bool ok,
               const std::string& expected) {
  if (!ok || !std::isfinite(v)) {
    throw spec_error(s, field, fmt::format("{} out of range", field))
        .expected(expected)
        .found(num(v));
  }
  return v;
}

double u_value(const BuildingSpec& s, std::string_view field, std::optional<double> given,
               double fallback) {
  const double u = given.value_or(fallback);
  return checked(s, field, u, u > 0.0 && u <= kMaxU,
                 fmt::format("a U-value in (0, {:g}] W/m2K", kMaxU));
}

double setpoint(const BuildingSpec& s, std::string_view field, std::optional<double> given,
                double fallback) {
  const double t = given.value_or(fallback);
  return checked(s, field, t, t >= kMinSetpointC && t <= kMaxSetpointC,
                 fmt::format("a temperature in [{:g}, {:g}] C", kMinSetpointC, kMaxSetpointC));
}

}  // namespace

std::size_t facade_bin(geo::Vec2 outward) {
  const double azimuth_deg = std::atan2(outward.x, outward.y) * (180.0 / std::numbers::pi);
  const long k = std::lround(azimuth_deg / 45.0);  // -4..4
  return static_cast<std::size_t>(((k % 8) + 8) % 8);
}

namespace {

ZoneCoefficients checked_zone(const BuildingSpec& s, const ZoneParams& p, const char* which) {
  ZoneCoefficients c;
  try {
    c = zone_coefficients(p);
  } catch (const Error& e) {
    Error out =
        spec_error(s, e.context().field,
                   fmt::format("the {} 5R1C zone cannot represent it: {}", which, e.message()));
    out.expected(e.context().expected).found(e.context().found);
    throw out;
  }
  // C.3: the share of the radiant gains that reaches the surface node, 1 - A_m/A_t -
  // H_tr,w/(9.1 A_t), turns negative when the glazing conducts more than the surfaces can
  // pass on: a glass box the single-zone model cannot hold.
  if (!(c.share_surface >= 0.0)) {
    const double h_ms_a_t = c.h_tr_w / (1.0 - c.share_mass - c.share_surface);  // 9.1 A_t
    throw spec_error(s, "window_to_wall",
                     fmt::format("too much glazing for the {} 5R1C zone", which))
        .expected(fmt::format("H_tr,w <= 9.1 A_t (1 - A_m/A_t) = {:.0f} W/K",
                              h_ms_a_t * (1.0 - c.share_mass)))
        .found(fmt::format("H_tr,w = {:.0f} W/K", c.h_tr_w));
  }
  return c;
}

}  // namespace

BuildingStock build_stock(std::span<const BuildingSpec> specs) {
  BuildingStock st;
  const std::size_t count = specs.size();
  st.id.reserve(count);
  std::unordered_map<std::string, std::size_t> seen;
  seen.reserve(count);
  for (std::size_t b = 0; b < count; ++b) {
    const BuildingSpec& s = specs[b];
    if (s.id.empty()) {
      throw spec_error(s, "id", "building without an id").expected("a non-empty, unique id");
    }
    if (const auto [it, fresh] = seen.try_emplace(s.id, b); !fresh) {
      const BuildingSpec& first = specs[it->second];
      throw spec_error(s, "id", "duplicate building id")
          .expected("ids unique across the stock")
          .found(first.line > 0 ? fmt::format("'{}' also at {}:{}", s.id, first.file, first.line)
                                : fmt::format("'{}' also as building {}", s.id, it->second));
    }
    const Archetype& a = archetype(s.use);

    // Geometry.
    const std::vector<Vec2> ring = checked_ring(s);
    const double signed_area = geo::signed_area(ring);
    const double footprint = std::abs(signed_area);
    if (!(footprint >= kMinFootprintM2)) {
      throw spec_error(s, "footprint", "footprint has (almost) no area")
          .expected(fmt::format(">= {:g} m2", kMinFootprintM2))
          .found(fmt::format("{:g} m2", footprint));
    }
    const double height =
        checked(s, "height", s.height_m, s.height_m > 0.0 && s.height_m <= kMaxHeightM,
                fmt::format("0 < height <= {:g} m", kMaxHeightM));
    if (s.floors < 0) {
      throw spec_error(s, "floors", "negative number of floors")
          .expected(">= 1, or 0 for height / storey height")
          .found(std::to_string(s.floors));
    }
    const long floors =
        s.floors > 0 ? s.floors : std::max(1L, std::lround(height / a.storey_height_m));
    const double storey = height / static_cast<double>(floors);
    if (storey < kMinStoreyM || storey > kMaxStoreyM) {
      throw spec_error(s, "floors", "floors do not fit the height")
          .expected(fmt::format("storeys of {:g}-{:g} m", kMinStoreyM, kMaxStoreyM))
          .found(fmt::format("{} floor(s) in {:g} m, {:.2f} m each{}", floors, height, storey,
                             s.floors > 0 ? "" : " (floors from the use's storey height)"));
    }
    const double floor_area = footprint * static_cast<double>(floors);

    // Envelope: the spec's values over the archetype's.
    const double u_wall = u_value(s, "u_wall", s.u_wall, a.u_wall);
    const double u_roof = u_value(s, "u_roof", s.u_roof, a.u_roof);
    const double u_window = u_value(s, "u_window", s.u_window, a.u_window);
    const double u_ground = u_value(s, "u_ground_floor", std::nullopt, a.u_ground_floor);
    const double wwr = s.window_to_wall.value_or(a.window_to_wall);
    checked(s, "window_to_wall", wwr, wwr > 0.0 && wwr < 1.0, "a share of the facade in (0, 1)");
    const double g = s.g_value.value_or(a.g_value);
    checked(s, "g_value", g, g > 0.0 && g < 1.0, "a solar heat gain coefficient in (0, 1)");
    const double heating =
        setpoint(s, "heating_setpoint", s.heating_setpoint_c, a.heating_setpoint_c);
    const double cooling =
        setpoint(s, "cooling_setpoint", s.cooling_setpoint_c, a.cooling_setpoint_c);
    if (!(heating < cooling)) {
      throw spec_error(s, "heating_setpoint", "heating set-point not below the cooling set-point")
          .expected(fmt::format("< cooling set-point {:g} C", cooling))
          .found(fmt::format("{:g} C", heating));
    }
    // Set-backs stay the archetype's; an occupied set-point beyond one would make the set-back
    // hours the better served ones.
    if (heating < a.heating_setback_c) {
      throw spec_error(s, "heating_setpoint", "heating set-point below the set-back")
          .expected(fmt::format(">= the {} set-back of {:g} C", use_type_name(s.use),
                                a.heating_setback_c))
          .found(fmt::format("{:g} C", heating));
    }
    if (cooling > a.cooling_setback_c) {
      throw spec_error(s, "cooling_setpoint", "cooling set-point above the set-back")
          .expected(fmt::format("<= the {} set-back of {:g} C", use_type_name(s.use),
                                a.cooling_setback_c))
          .found(fmt::format("{:g} C", cooling));
    }
    checked(s, "pv_kwp", s.pv_kwp, s.pv_kwp >= 0.0, ">= 0 kWp");
    checked(s, "battery_kwh", s.battery_kwh, s.battery_kwh >= 0.0, ">= 0 kWh");
    checked(s, "battery_kw", s.battery_kw,
            s.battery_kwh > 0.0 ? s.battery_kw > 0.0 : s.battery_kw >= 0.0,
            s.battery_kwh > 0.0 ? "> 0 kW with a battery" : ">= 0 kW");
    checked(s, "chargers", s.chargers, s.chargers >= 0 && s.chargers <= 10000, "0..10000");
    checked(s, "charger_kw", s.charger_kw, s.charger_kw > 0.0 && s.charger_kw <= 1000.0,
            "> 0 and <= 1000 kW (a megawatt truck charger at most)");

    // Facades, by the direction they face. The outward normal is right of the edge on a
    // counter-clockwise ring (positive shoelace area) and left of it on a clockwise one.
    std::array<double, kFacadeBins> window{}, wall{};
    const std::size_t n = ring.size();
    for (std::size_t i = 0; i < n; ++i) {
      const Vec2 d = ring[(i + 1) % n] - ring[i];
      const Vec2 outward = signed_area > 0.0 ? Vec2{d.y, -d.x} : Vec2{-d.y, d.x};
      const double facade = geo::length(d) * height;
      const std::size_t bin = facade_bin(outward);
      window[bin] += wwr * facade;
      wall[bin] += (1.0 - wwr) * facade;
    }
    double window_total = 0.0, wall_total = 0.0;
    std::array<float, kFacadeBins> window_f{}, wall_f{};
    for (std::size_t k = 0; k < kFacadeBins; ++k) {
      window_total += window[k];
      wall_total += wall[k];
      window_f[k] = static_cast<float>(window[k]);
      wall_f[k] = static_cast<float>(wall[k]);
    }

    // Zone (ISO 13790 8.3, 9.3). Air volume is the gross volume, slabs included: the 5R1C
    // zone has one air node for the whole building.
    const double volume = footprint * height;
    const double people = floor_area / a.floor_area_per_person_m2;
    const double infiltration_m3_s = a.infiltration_ach * volume / 3600.0;
    const double outdoor_air_m3_s = a.outdoor_air_m3_h_person * people / 3600.0;
    ZoneParams p;
    p.floor_area_m2 = floor_area;
    p.h_tr_w_w_k = u_window * window_total;
    p.h_tr_op_w_k =
        u_wall * wall_total + u_roof * footprint + u_ground * footprint * kGroundFloorFactor;
    p.mass_area_factor = a.mass_area_factor;
    p.heat_capacity_j_km2 = a.heat_capacity_j_km2;
    p.h_ve_w_k = kAirHeatCapacityJM3K * (infiltration_m3_s + outdoor_air_m3_s);
    const ZoneCoefficients occupied = checked_zone(s, p, "occupied");
    p.h_ve_w_k = kAirHeatCapacityJM3K * infiltration_m3_s;
    const ZoneCoefficients unoccupied = checked_zone(s, p, "unoccupied");

    // Stored counter-clockwise and closed.
    std::vector<Vec2> closed = ring;
    if (signed_area < 0.0) std::reverse(closed.begin(), closed.end());
    closed.push_back(closed.front());
    st.footprint.add(closed);

    st.id.push_back(s.id);
    st.use.push_back(s.use);
    st.height_m.push_back(height);
    st.floor_area_m2.push_back(floor_area);
    st.roof_area_m2.push_back(footprint);
    st.footprint_area_m2.push_back(footprint);
    st.floors.push_back(static_cast<std::uint16_t>(floors));  // <= 1000 m / 2 m
    st.window_area_m2.push_back(window_f);
    st.wall_area_m2.push_back(wall_f);
    st.g_value.push_back(static_cast<float>(g));
    st.frame_factor.push_back(static_cast<float>(a.frame_factor));
    st.u_wall.push_back(static_cast<float>(u_wall));
    st.u_roof.push_back(static_cast<float>(u_roof));
    st.zone.push_back(occupied);
    st.zone_unoccupied.push_back(unoccupied);
    st.people_w.push_back(static_cast<float>(people * a.sensible_heat_per_person_w));
    st.lighting_w.push_back(static_cast<float>(a.lighting_w_m2 * floor_area));
    st.equipment_w.push_back(static_cast<float>(a.equipment_w_m2 * floor_area));
    st.heating_capacity_w.push_back(static_cast<float>(a.heating_capacity_w_m2 * floor_area));
    st.cooling_capacity_w.push_back(static_cast<float>(a.cooling_capacity_w_m2 * floor_area));
    st.heating_setpoint_c.push_back(static_cast<float>(heating));
    st.cooling_setpoint_c.push_back(static_cast<float>(cooling));
    st.heating_setback_c.push_back(static_cast<float>(a.heating_setback_c));
    st.cooling_setback_c.push_back(static_cast<float>(a.cooling_setback_c));
    st.comfort_low_c.push_back(static_cast<float>(a.comfort_low_c));
    st.comfort_high_c.push_back(static_cast<float>(a.comfort_high_c));
    st.pv_kwp.push_back(static_cast<float>(s.pv_kwp));
    st.feeder.push_back(s.feeder);
    st.battery_kwh.push_back(static_cast<float>(s.battery_kwh));
    st.battery_kw.push_back(static_cast<float>(s.battery_kw));
    st.chargers.push_back(static_cast<std::uint16_t>(s.chargers));
    st.charger_kw.push_back(static_cast<float>(s.charger_kw));
    st.car_park_roads.push_back(s.car_park_roads);
    st.file.push_back(s.file);
    st.line.push_back(s.line);
  }
  return st;
}

}  // namespace parktwin::buildings

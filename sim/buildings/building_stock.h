#pragma once
// The buildings of a scenario as the simulation reads them (STYLE.md rules 1 and 2: the model,
// built once, structure of arrays): geometry, envelope, internal gains, HVAC and the thermal
// zone of each building, derived from a table of buildings (BuildingSpec, one per row or
// GeoJSON feature) and the archetype of each building's use.
//
// Geometry: footprints are polygons in the scenario's metres (those of the road network), x
// east and y north; each building is one thermal zone (ISO 13790's single-zone simplification)
// of floors x footprint area. Facades are grouped by the direction they face into eight bins
// (N, NE, E, SE, S, SW, W, NW: bin b faces 45 b degrees from north, eastward), so that the
// irradiance on facades is computed eight times per step for the whole city, not per wall.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/geometry.h"
#include "sim/buildings/zone_5r1c.h"

namespace parktwin::buildings {

enum class UseType : std::uint8_t { office, lab, manufacturing, residential, retail, campus };
inline constexpr std::size_t kUseTypes = 6;
const char* use_type_name(UseType use);
std::optional<UseType> parse_use_type(std::string_view name);

// 24 hourly fractions (0..1) of a quantity's full value, hour h covering [h, h + 1) local time.
using DaySchedule = std::array<float, 24>;

// Defaults for one use type. Every number names its source in archetypes.cpp; most are
// plausible defaults for the hot-summer-cold-winter zone, not compliance values (see
// assets/reference/buildings.md and its status column).
struct Archetype {
  UseType use = UseType::office;
  // Envelope (W/m2K) and glazing.
  double u_wall = 0.0, u_roof = 0.0, u_ground_floor = 0.0, u_window = 0.0;
  double window_to_wall = 0.0;  // of facade area
  double g_value = 0.0;         // solar heat gain coefficient of the glazing (SHGC)
  double frame_factor = 0.0;    // share of the window area that is frame (ISO 13790 11.4.5)
  double storey_height_m = 0.0;
  // Internal gains at full schedule.
  double floor_area_per_person_m2 = 0.0;
  double sensible_heat_per_person_w = 0.0;
  double lighting_w_m2 = 0.0, equipment_w_m2 = 0.0;
  // Air: outdoor air for the occupants at full occupancy, and infiltration at all times.
  double outdoor_air_m3_h_person = 0.0;
  double infiltration_ach = 0.0;
  // Set-points (C): occupied, and set back when the occupancy schedule is below 5%.
  double heating_setpoint_c = 0.0, cooling_setpoint_c = 0.0;
  double heating_setback_c = 0.0, cooling_setback_c = 0.0;
  // Comfort band for the unmet degree-hours KPI (operative temperature, occupied hours).
  double comfort_low_c = 0.0, comfort_high_c = 0.0;
  // HVAC capacity per floor area (W/m2) and ISO 13790 thermal mass class per floor area.
  double heating_capacity_w_m2 = 0.0, cooling_capacity_w_m2 = 0.0;
  double heat_capacity_j_km2 = 165000.0, mass_area_factor = 2.5;
  DaySchedule occupancy_weekday{}, occupancy_weekend{};
  DaySchedule lighting_weekday{}, lighting_weekend{};
  DaySchedule equipment_weekday{}, equipment_weekend{};
};

// The archetype of a use type.
const Archetype& archetype(UseType use);

// One building as a scenario gives it; unset optionals take the archetype's value.
struct BuildingSpec {
  std::string id;
  std::vector<geo::Vec2> footprint;  // a simple polygon, either orientation, not closed twice
  double height_m = 0.0;
  int floors = 0;  // 0: height / storey height, rounded, at least 1
  UseType use = UseType::office;
  std::optional<double> u_wall, u_roof, u_window, window_to_wall, g_value;
  std::optional<double> heating_setpoint_c, cooling_setpoint_c;
  double pv_kwp = 0.0;  // rooftop PV (energy module)
  std::string feeder;   // the feeder it is connected to ("" none yet)
  // Electrical assets (sim/energy): a battery (0 kWh: none), EV charging points at its car
  // park, and the roads whose trips end at that car park ([] with chargers: the nearest).
  double battery_kwh = 0.0, battery_kw = 0.0;
  int chargers = 0;
  double charger_kw = 7.0;
  std::vector<std::string> car_park_roads;
  std::string file;  // where it was given, for errors
  int line = 0;      // (a GeoJSON feature's index when there are no lines)
};

inline constexpr std::size_t kFacadeBins = 8;
// Facade bin of an outward normal: its azimuth from north, eastward, to the nearest 45 degrees
// (one rule for the stock's areas and the shading's samples).
std::size_t facade_bin(geo::Vec2 outward);

// Volumetric heat capacity of air, rho_a c_a (ISO 13790:2008 9.3.1: 1200 J/(m3 K)).
inline constexpr double kAirHeatCapacityJM3K = 1200.0;
// Share of a ground floor's U A that counts towards H_tr,op: a temperature adjustment factor
// b for a slab on ground (ISO 13789 / DIN V 4108-6 Table 3 give ~0.3-0.6 with the slab's size
// and edge insulation; recalled), in place of ISO 13370's ground model, which would also lag
// the ground's seasonal swing.
inline constexpr double kGroundFloorFactor = 0.5;

// The stock, one entry per building in the order given. Sizes: B = size().
struct BuildingStock {
  std::vector<std::string> id;
  std::vector<UseType> use;
  geo::PolylineSet footprint;  // counter-clockwise and closed: last point equals the first
  std::vector<double> height_m, floor_area_m2, roof_area_m2, footprint_area_m2;
  std::vector<std::uint16_t> floors;
  std::vector<std::array<float, kFacadeBins>> window_area_m2;  // glazing facing each bin
  std::vector<std::array<float, kFacadeBins>> wall_area_m2;    // opaque wall facing each bin
  std::vector<float> g_value, frame_factor;
  std::vector<float> u_wall, u_roof;  // W/m2K, for the opaque elements' solar gains
  // The zone with the outdoor air at its full-occupancy rate (H_ve = infiltration + outdoor
  // air of all occupants: ISO 13790 9.3), for hours when the set-points are the occupied ones,
  // and with infiltration only (the outdoor air off), for set-back hours. The mass temperature
  // carries over when a step switches between the two.
  std::vector<ZoneCoefficients> zone;
  std::vector<ZoneCoefficients> zone_unoccupied;
  // Internal gains at full schedule (W), HVAC capacities (W), set-points and comfort band (C).
  std::vector<float> people_w, lighting_w, equipment_w;
  std::vector<float> heating_capacity_w, cooling_capacity_w;
  std::vector<float> heating_setpoint_c, cooling_setpoint_c, heating_setback_c, cooling_setback_c;
  std::vector<float> comfort_low_c, comfort_high_c;
  std::vector<float> pv_kwp;
  std::vector<std::string> feeder;
  std::vector<float> battery_kwh, battery_kw, charger_kw;
  std::vector<std::uint16_t> chargers;
  std::vector<std::vector<std::string>> car_park_roads;
  // Where each building was given (BuildingSpec::file and line), for later errors.
  std::vector<std::string> file;
  std::vector<int> line;

  std::size_t size() const { return id.size(); }
};

// Builds the stock. Throws parktwin::Error naming the file, line and building id with the field
// and what was expected: duplicate ids, a footprint with fewer than 3 distinct points, zero
// area or crossing edges, a non-positive height, floors that do not fit the height (storeys
// under 2 m or over 10 m), values outside their physical range (U > 0, 0 < window share < 1,
// 0 < g < 1, set-points with heating below cooling), or a zone the 5R1C model cannot represent.
// Also: a footprint under 1 m2 or with a repeated point, a height over 1000 m, U over 10 W/m2K,
// set-points outside 0-50 C or beyond the archetype's set-backs, negative PV, and glazing that
// leaves the surface node a negative share of the radiant gains (ISO 13790 C.3). A closing
// point equal to the first is accepted and dropped.
BuildingStock build_stock(std::span<const BuildingSpec> specs);

}  // namespace parktwin::buildings

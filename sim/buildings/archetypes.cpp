// Archetypes: the default envelope, internal gains, air, set-points, HVAC capacity, thermal mass
// and hourly schedules of each use type, for the hot-summer-cold-winter (HSCW) climate zone of
// Suzhou (GB 50176-2016 zoning). Plausible defaults for a district model, not compliance
// values. Each number names its source; read the status words with it:
//   "verified"   - read in a public copy of the source while writing this file;
//   "recalled"   - the reviewer's recollection of the source, not checked against its text
//                  (see assets/reference/buildings.md, whose office values are all of
//                  this kind: GB 50189-2015 could not be retrieved);
//   "assumed"    - an engineering choice with no standard behind it.
// Sources:
//   GB 50189-2015  Design standard for energy efficiency of public buildings: Table 3.3.1-4
//                  (HSCW envelope, class A) and Appendix B (reference-building densities,
//                  schedules and set-points).
//   JGJ 134-2010   Design standard for energy efficiency of residential buildings in the HSCW
//                  zone (envelope limits and its energy-calculation conditions).
//   GB 50736-2012  Design code for heating, ventilation and air conditioning of civil
//                  buildings (3.0.6: minimum outdoor air).
//   GB 50034-2013  Standard for lighting design of buildings (lighting power density limits).
//   ASHRAE 62.1-2007 Table 6-1 (outdoor air per person and per area), as carried by the DOE
//                  prototype program types of ASHRAE 90.1-2013 in ladybug-tools/
//                  honeybee-energy-standards data/program_type/2013_data.json (verified there
//                  for "Office space" 5 cfm/p + 0.06 cfm/ft2 and "Classrooms (age 9 plus)"
//                  10 cfm/p + 0.12 cfm/ft2; the same file's Hospital "Lab" space: 0.0538
//                  people/m2, lighting 19.5 W/m2, equipment 43.1 W/m2, 10 cfm/p + 0.18 cfm/ft2;
//                  infiltration 0.000227 m3/s per m2 of exterior surface, i.e. ~0.1-0.2 air
//                  changes per hour for the blocks of this district).
//   ASHRAE Handbook-Fundamentals 2009/2013 (SI), ch. 18 Table 1: sensible heat per person by
//                  activity (verified in a public copy: seated very light work 70 W, standing
//                  light work in a retail store 75 W, light bench work in a factory 80 W).
//   ISO 13790:2008 Table 12: thermal mass classes (light: C_m = 110 000 J/K per m2 of floor,
//                  A_m = 2.5 A_f; medium 165 000, 2.5; heavy 260 000, 3.0; verified in the
//                  Modelica Buildings library's ThermalZones.ISO13790.Data records).
//   EN 16798-1:2019 Annex B: category II operative temperature ranges (20-26 C for offices
//                  and similar sedentary spaces; recalled).
// HVAC capacities are generous rule-of-thumb design loads (assumed): the comfort KPI should
// count the weather and the controls, not undersized plant.

#include <array>
#include <string_view>

#include "engine/assert.h"
#include "sim/buildings/building_stock.h"

namespace parktwin::buildings {

namespace {

constexpr std::array<std::string_view, kUseTypes> kNames = {
    "office", "lab", "manufacturing", "residential", "retail", "campus"};

// ISO 13790 Table 12 mass classes (verified, see above).
struct MassClass {
  double heat_capacity_j_km2, area_factor;
};
constexpr MassClass kLight{110000.0, 2.5}, kMedium{165000.0, 2.5}, kHeavy{260000.0, 3.0};

Archetype office() {
  Archetype a;
  a.use = UseType::office;
  // GB 50189-2015 Table 3.3.1-4, HSCW, class A (recalled): wall K <= 0.80 and roof K <= 0.50
  // for a heavy envelope (D > 2.5, the concrete frame of SIP's offices); the 0.30-0.40
  // window-to-wall row, K <= 2.6 and SHGC <= 0.40 (E, S, W). The floor over outdoor air
  // (K <= 0.70) stands in for the ground floor, which the standard gives as a resistance.
  a.u_wall = 0.80;
  a.u_roof = 0.50;
  a.u_ground_floor = 0.70;
  a.u_window = 2.6;
  a.window_to_wall = 0.40;
  a.g_value = 0.40;
  // ISO 13790 11.4.5 lets the frame share default to 0.3 when unknown (recalled).
  a.frame_factor = 0.3;
  a.storey_height_m = 3.5;  // floor to floor (assumed, typical of SIP office towers)
  // GB 50189-2015 Appendix B (recalled): 10 m2 per person, lighting 9 W/m2 (the GB 50034-2013
  // office limit), equipment 15 W/m2, outdoor air 30 m3/(h person).
  a.floor_area_per_person_m2 = 10.0;
  a.sensible_heat_per_person_w = 70.0;  // ASHRAE Fundamentals Table 1, offices (verified)
  a.lighting_w_m2 = 9.0;
  a.equipment_w_m2 = 15.0;
  a.outdoor_air_m3_h_person = 30.0;
  a.infiltration_ach = 0.2;  // DOE prototypes' per-facade rate (see the header), rounded up
  // GB 50189-2015 Appendix B (recalled): heating 20 C, cooling 26 C occupied. The set-backs
  // 16 / 30 C are assumed (the appendix switches the system off instead).
  a.heating_setpoint_c = 20.0;
  a.cooling_setpoint_c = 26.0;
  a.heating_setback_c = 16.0;
  a.cooling_setback_c = 30.0;
  a.comfort_low_c = 20.0;  // EN 16798-1 category II, offices (recalled)
  a.comfort_high_c = 26.0;
  a.heating_capacity_w_m2 = 80.0;  // assumed, generous
  a.cooling_capacity_w_m2 = 120.0;
  a.heat_capacity_j_km2 = kMedium.heat_capacity_j_km2;  // concrete slabs, light partitions
  a.mass_area_factor = kMedium.area_factor;
  // Weekdays 08-18 with a lunch dip, after the shape of GB 50189-2015 Appendix B's office
  // schedules (recalled); weekends empty. Lighting and equipment keep a base load at night
  // (security lighting; servers and standby).
  a.occupancy_weekday = {0,     0,     0,     0,     0,    0,    0,     0.1f,
                         0.5f,  0.95f, 0.95f, 0.95f, 0.5f, 0.8f, 0.95f, 0.95f,
                         0.95f, 0.5f,  0.1f,  0,     0,    0,    0,     0};
  a.occupancy_weekend = {};
  a.lighting_weekday = {0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.1f,
                        0.5f,  0.95f, 0.95f, 0.95f, 0.8f,  0.95f, 0.95f, 0.95f,
                        0.95f, 0.6f,  0.3f,  0.2f,  0.1f,  0.05f, 0.05f, 0.05f};
  a.lighting_weekend.fill(0.05f);
  a.equipment_weekday = {0.2f,  0.2f,  0.2f,  0.2f,  0.2f, 0.2f,  0.2f,  0.3f,
                         0.6f,  0.95f, 0.95f, 0.95f, 0.6f, 0.95f, 0.95f, 0.95f,
                         0.95f, 0.6f,  0.4f,  0.3f,  0.2f, 0.2f,  0.2f,  0.2f};
  a.equipment_weekend.fill(0.2f);
  return a;
}

Archetype lab() {
  Archetype a = office();  // public building: the same GB 50189-2015 envelope (recalled)
  a.use = UseType::lab;
  a.window_to_wall = 0.30;  // more wall for benches and services (assumed); 0.20-0.30 row:
  a.u_window = 3.0;         // K <= 3.0, SHGC <= 0.44 (GB 50189-2015, recalled)
  a.g_value = 0.44;
  a.storey_height_m = 4.5;  // deep service voids (assumed)
  // DOE Hospital prototype "Lab" space, ASHRAE 90.1-2013 (verified, see the header): 0.0538
  // people/m2 = 18.6 m2 per person, 19.5 W/m2 lighting, 43.1 W/m2 equipment.
  a.floor_area_per_person_m2 = 18.6;
  a.sensible_heat_per_person_w = 75.0;  // ASHRAE Fundamentals Table 1, standing light work
  a.lighting_w_m2 = 19.5;
  a.equipment_w_m2 = 43.1;
  // ASHRAE 62.1 for that space (verified): 10 cfm/person + 0.18 cfm/ft2, per person at 18.6 m2
  // each: 17.0 + 0.914 l/(s m2) * 18.6 m2 * 3.6 = 17.0 + 61.2 = 78 m3/(h person). Real labs
  // exhaust more (once-through air, ~6 ach occupied per ANSI/AIHA Z9.5, recalled), mostly
  // with heat recovery, which the 5R1C zone has no place for.
  a.outdoor_air_m3_h_person = 78.0;
  a.heating_setpoint_c = 21.0;  // labs hold a tighter band (assumed)
  a.cooling_setpoint_c = 24.0;
  a.heating_setback_c = 18.0;  // samples and instruments stay inside (assumed)
  a.cooling_setback_c = 28.0;
  a.heating_capacity_w_m2 = 100.0;  // assumed, generous for the outdoor air load
  a.cooling_capacity_w_m2 = 180.0;  // 43 W/m2 of equipment on top of an office's load
  // Long hours: 07-23 on weekdays, a third of the staff on weekend days (assumed); equipment
  // keeps 60% at night (freezers, fume-hood fans, instruments; assumed).
  a.occupancy_weekday = {0,    0,    0,    0,    0,    0,    0,    0.3f, 0.7f, 0.9f, 0.9f, 0.9f,
                         0.6f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.7f, 0.5f, 0.4f, 0.3f, 0.1f, 0};
  a.occupancy_weekend = {0,    0,    0,    0,    0,    0,    0,    0, 0.1f, 0.3f, 0.3f, 0.3f,
                         0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.1f, 0, 0,    0,    0,    0};
  a.lighting_weekday = {0.1f,  0.1f,  0.1f,  0.1f,  0.1f, 0.1f,  0.1f,  0.4f,
                        0.8f,  0.95f, 0.95f, 0.95f, 0.8f, 0.95f, 0.95f, 0.95f,
                        0.95f, 0.95f, 0.8f,  0.6f,  0.5f, 0.4f,  0.2f,  0.1f};
  a.lighting_weekend = {0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.2f, 0.4f, 0.4f, 0.4f,
                        0.4f, 0.4f, 0.4f, 0.4f, 0.4f, 0.4f, 0.2f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f};
  a.equipment_weekday = {0.6f, 0.6f, 0.6f, 0.6f, 0.6f, 0.6f, 0.6f, 0.7f, 0.9f, 1.0f, 1.0f, 1.0f,
                         0.9f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 0.9f, 0.8f, 0.8f, 0.7f, 0.6f, 0.6f};
  a.equipment_weekend = {0.6f, 0.6f, 0.6f, 0.6f, 0.6f, 0.6f, 0.6f, 0.6f, 0.7f, 0.8f, 0.8f, 0.8f,
                         0.8f, 0.8f, 0.8f, 0.8f, 0.8f, 0.8f, 0.7f, 0.6f, 0.6f, 0.6f, 0.6f, 0.6f};
  return a;
}

Archetype manufacturing() {
  Archetype a;
  a.use = UseType::manufacturing;
  // Light manufacturing (electronics assembly, SIP's typical plant) in insulated steel sheds.
  // No Chinese reference building was found for it; the envelope is assumed: sandwich panels
  // near the GB 50189 public-building wall limit, a lighter roof panel, little glazing.
  a.u_wall = 0.80;
  a.u_roof = 0.60;
  a.u_ground_floor = 0.70;
  a.u_window = 3.0;
  a.window_to_wall = 0.15;
  a.g_value = 0.50;
  a.frame_factor = 0.3;
  a.storey_height_m = 8.0;  // clear height for cranes and racking (assumed)
  // ASHRAE 62.1-2007 Table 6-1, "manufacturing (excludes heavy industrial and chemical
  // processes)" (recalled): 7 people per 1000 ft2 = 13.3 m2 per person, 10 cfm/person +
  // 0.18 cfm/ft2 = 17.0 + 0.914 l/(s m2) * 13.3 m2 * 3.6 = 17.0 + 43.8 = 61 m3/(h person).
  a.floor_area_per_person_m2 = 13.3;
  a.sensible_heat_per_person_w = 80.0;  // ASHRAE Fundamentals Table 1, light bench work
  a.lighting_w_m2 = 10.0;               // GB 50034-2013 industrial halls, ~8-11 W/m2 (recalled)
  a.equipment_w_m2 = 30.0;  // process load: varies by plant by an order of magnitude (assumed)
  a.outdoor_air_m3_h_person = 61.0;
  a.infiltration_ach = 0.5;  // loading doors (assumed)
  // Light work: GB 50019-2015 gives 18-21 C in winter for light physical work (recalled);
  // cooling at 28 C (assumed; process halls run warmer than offices).
  a.heating_setpoint_c = 18.0;
  a.cooling_setpoint_c = 28.0;
  a.heating_setback_c = 12.0;
  a.cooling_setback_c = 32.0;
  a.comfort_low_c = 18.0;
  a.comfort_high_c = 28.0;
  a.heating_capacity_w_m2 = 60.0;                      // assumed
  a.cooling_capacity_w_m2 = 120.0;                     // assumed, with the process load
  a.heat_capacity_j_km2 = kLight.heat_capacity_j_km2;  // steel frame and panels
  a.mass_area_factor = kLight.area_factor;
  // Two shifts, 06-14 and 14-22, on weekdays; one reduced shift 08-16 on weekend days
  // (assumed). Process equipment idles at 20% between shifts.
  a.occupancy_weekday = {0,    0,    0,    0,    0,    0,    0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f,
                         0.6f, 0.9f, 0.7f, 0.9f, 0.9f, 0.9f, 0.6f, 0.9f, 0.9f, 0.9f, 0,    0};
  a.occupancy_weekend = {0,    0,    0,    0,    0, 0, 0, 0, 0.4f, 0.4f, 0.4f, 0.4f,
                         0.3f, 0.4f, 0.4f, 0.4f, 0, 0, 0, 0, 0,    0,    0,    0};
  a.lighting_weekday = {0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f,
                        1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 0.1f, 0.1f};
  a.lighting_weekend = {0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.5f, 0.5f, 0.5f, 0.5f,
                        0.5f, 0.5f, 0.5f, 0.5f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f};
  a.equipment_weekday = {0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f,
                         0.7f, 0.9f, 0.8f, 0.9f, 0.9f, 0.9f, 0.7f, 0.9f, 0.9f, 0.9f, 0.2f, 0.2f};
  a.equipment_weekend = {0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.5f, 0.5f, 0.5f, 0.5f,
                         0.4f, 0.5f, 0.5f, 0.5f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f};
  return a;
}

Archetype residential() {
  Archetype a;
  a.use = UseType::residential;
  // JGJ 134-2010, HSCW, shape factor <= 0.40 (high-rise slabs), heavy walls (D >= 2.5)
  // (recalled): wall K <= 1.0, roof K <= 0.8, windows K ~2.8 at the 0.30-0.40 window-to-wall
  // rows; glazing is clear double (g ~0.6, assumed). Ground floor as the walls (assumed).
  a.u_wall = 1.0;
  a.u_roof = 0.8;
  a.u_ground_floor = 1.0;
  a.u_window = 2.8;
  a.window_to_wall = 0.30;
  a.g_value = 0.60;
  a.frame_factor = 0.3;
  a.storey_height_m = 2.8;  // GB 50096-2011 5.5.1: storey height preferably 2.80 m (recalled)
  // 30 m2 per person of gross floor (assumed, near China's urban per-capita dwelling area).
  a.floor_area_per_person_m2 = 30.0;
  a.sensible_heat_per_person_w = 70.0;  // ASHRAE Fundamentals Table 1, apartments (verified)
  a.lighting_w_m2 = 5.0;                // GB 50034-2013 dwellings, <= 6 W/m2 (recalled)
  a.equipment_w_m2 = 4.0;  // JGJ 134-2010 calculation: 4.3 W/m2 internal gain (recalled)
  // GB 50736-2012 Table 3.0.6-2 (recalled): 0.5 air changes per hour at 20-50 m2 per person;
  // per person at 30 m2 and 2.8 m: 0.5 * 30 * 2.8 = 42 m3/h. With the infiltration below this
  // makes JGJ 134-2010's 1.0 air change per hour at full occupancy (recalled).
  a.outdoor_air_m3_h_person = 42.0;
  a.infiltration_ach = 0.5;
  // JGJ 134-2010's calculation set-points (recalled): heating 18 C, cooling 26 C. Homes are
  // rarely empty on this schedule; the set-backs apply when they are (assumed).
  a.heating_setpoint_c = 18.0;
  a.cooling_setpoint_c = 26.0;
  a.heating_setback_c = 14.0;
  a.cooling_setback_c = 30.0;
  a.comfort_low_c = 18.0;  // GB 50736-2012 3.0.2, comfort level II heating 18-22 C (recalled)
  a.comfort_high_c = 26.0;
  a.heating_capacity_w_m2 = 70.0;   // assumed: room air conditioners and heat pumps
  a.cooling_capacity_w_m2 = 100.0;  // assumed
  a.heat_capacity_j_km2 = kHeavy.heat_capacity_j_km2;  // concrete shear walls and slabs
  a.mass_area_factor = kHeavy.area_factor;
  // Home at night and in the evening, a fifth of the residents at home in the working day
  // (assumed; after the shape of EN 16798-1 / ISO 17772-1 residential profiles, recalled).
  a.occupancy_weekday = {1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 0.9f, 0.6f, 0.3f, 0.2f, 0.2f, 0.2f,
                         0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.5f, 0.8f, 0.9f, 0.9f, 1.0f, 1.0f, 1.0f};
  a.occupancy_weekend = {1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 0.9f, 0.8f, 0.6f, 0.6f, 0.6f,
                         0.7f, 0.5f, 0.5f, 0.5f, 0.5f, 0.7f, 0.9f, 0.9f, 1.0f, 1.0f, 1.0f, 1.0f};
  a.lighting_weekday = {0.02f, 0.02f, 0.02f, 0.02f, 0.02f, 0.02f, 0.3f,  0.4f,
                        0.1f,  0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f,
                        0.05f, 0.3f,  0.7f,  0.9f,  0.9f,  0.7f,  0.4f,  0.1f};
  a.lighting_weekend = {0.02f, 0.02f, 0.02f, 0.02f, 0.02f, 0.02f, 0.1f, 0.3f,
                        0.3f,  0.1f,  0.1f,  0.1f,  0.1f,  0.1f,  0.1f, 0.1f,
                        0.1f,  0.3f,  0.7f,  0.9f,  0.9f,  0.7f,  0.4f, 0.1f};
  a.equipment_weekday = {0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.5f, 0.6f, 0.4f, 0.3f, 0.3f, 0.3f,
                         0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.5f, 0.9f, 0.9f, 0.8f, 0.7f, 0.5f, 0.4f};
  a.equipment_weekend = {0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.4f, 0.5f, 0.6f, 0.5f, 0.5f, 0.5f,
                         0.7f, 0.5f, 0.5f, 0.5f, 0.5f, 0.6f, 0.9f, 0.9f, 0.8f, 0.7f, 0.5f, 0.4f};
  return a;
}

Archetype retail() {
  Archetype a = office();  // public building: GB 50189-2015 envelope (recalled)
  a.use = UseType::retail;
  a.window_to_wall = 0.30;  // shop fronts below, blank walls above (assumed); 0.20-0.30 row:
  a.u_window = 3.0;         // K <= 3.0, SHGC <= 0.44 (GB 50189-2015, recalled)
  a.g_value = 0.44;
  a.storey_height_m = 5.0;  // assumed, typical of malls
  // DOE stand-alone retail prototype, 90.1 "Retail" space: 15 people per 1000 ft2 = 6.2 m2 per
  // person (recalled). Lighting: GB 50034-2013 general shops <= 10 W/m2 (recalled).
  a.floor_area_per_person_m2 = 6.2;
  a.sensible_heat_per_person_w = 75.0;  // ASHRAE Fundamentals Table 1, retail store (verified)
  a.lighting_w_m2 = 10.0;
  a.equipment_w_m2 = 10.0;  // assumed: tills, displays, refrigerated counters
  // GB 50736-2012 Table 3.0.6-4 (recalled): malls and supermarkets at <= 0.4 person/m2,
  // 19 m3/(h person).
  a.outdoor_air_m3_h_person = 19.0;
  a.infiltration_ach = 0.5;         // entrances open all day (assumed)
  a.heating_capacity_w_m2 = 80.0;   // assumed
  a.cooling_capacity_w_m2 = 150.0;  // assumed: dense lighting and people
  // Open 10-22 every day (staff from 09), busier at weekends and in the evening (assumed).
  a.occupancy_weekday = {0,    0,    0,    0,    0,    0,    0,    0,    0,    0.1f, 0.3f, 0.5f,
                         0.7f, 0.6f, 0.5f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 0.8f, 0.5f, 0,    0};
  a.occupancy_weekend = {0,    0,    0,    0,    0,    0,    0,    0,    0,    0.1f, 0.5f, 0.7f,
                         0.9f, 0.9f, 0.8f, 0.8f, 0.9f, 0.9f, 1.0f, 1.0f, 0.9f, 0.6f, 0,    0};
  a.lighting_weekday = {0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f,
                        0.05f, 0.5f,  1.0f,  1.0f,  1.0f,  1.0f,  1.0f,  1.0f,
                        1.0f,  1.0f,  1.0f,  1.0f,  1.0f,  1.0f,  0.3f,  0.05f};
  a.lighting_weekend = a.lighting_weekday;
  a.equipment_weekday = {0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.5f, 0.9f, 0.9f,
                         0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.4f, 0.2f};
  a.equipment_weekend = a.equipment_weekday;
  return a;
}

Archetype campus() {
  Archetype a = office();  // public building: GB 50189-2015 envelope (recalled)
  a.use = UseType::campus;
  a.window_to_wall = 0.35;  // assumed, classrooms want daylight; 0.30-0.40 row as the office
  a.storey_height_m = 3.9;  // classrooms are higher than offices (assumed)
  // University teaching buildings: classrooms, offices and library together, 8 m2 per person
  // at full use (assumed, between a classroom's ~2.7 and an office's 10 m2).
  a.floor_area_per_person_m2 = 8.0;
  a.sensible_heat_per_person_w = 70.0;  // ASHRAE Fundamentals Table 1, seated (verified)
  a.lighting_w_m2 = 9.0;                // GB 50034-2013 classrooms <= 9 W/m2 (recalled)
  a.equipment_w_m2 = 8.0;               // assumed
  // ASHRAE 62.1 classrooms age 9 plus (verified): 10 cfm/person + 0.12 cfm/ft2, per person at
  // 8 m2: 17.0 + 0.61 l/(s m2) * 8 m2 * 3.6 = 17.0 + 17.6 = 35 m3/(h person).
  a.outdoor_air_m3_h_person = 35.0;
  a.heat_capacity_j_km2 = kHeavy.heat_capacity_j_km2;  // masonry teaching blocks (assumed)
  a.mass_area_factor = kHeavy.area_factor;
  // Like an office with evening classes and library hours, light weekend use (assumed).
  a.occupancy_weekday = {0,    0,    0,    0,    0,    0,    0,    0.1f, 0.6f, 0.9f, 0.9f, 0.9f,
                         0.4f, 0.6f, 0.9f, 0.9f, 0.9f, 0.5f, 0.3f, 0.4f, 0.4f, 0.2f, 0,    0};
  a.occupancy_weekend = {0,     0,     0,     0,     0,     0, 0, 0,    0,    0.15f, 0.15f, 0.15f,
                         0.15f, 0.15f, 0.15f, 0.15f, 0.15f, 0, 0, 0.1f, 0.1f, 0.1f,  0,     0};
  a.lighting_weekday = {0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.2f,
                        0.7f,  0.9f,  0.9f,  0.9f,  0.6f,  0.7f,  0.9f,  0.9f,
                        0.9f,  0.6f,  0.5f,  0.6f,  0.6f,  0.4f,  0.1f,  0.05f};
  a.lighting_weekend = {0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f,
                        0.05f, 0.2f,  0.2f,  0.2f,  0.2f,  0.2f,  0.2f,  0.2f,
                        0.2f,  0.05f, 0.1f,  0.2f,  0.2f,  0.2f,  0.05f, 0.05f};
  a.equipment_weekday = {0.15f, 0.15f, 0.15f, 0.15f, 0.15f, 0.15f, 0.15f, 0.2f,
                         0.6f,  0.9f,  0.9f,  0.9f,  0.5f,  0.6f,  0.9f,  0.9f,
                         0.9f,  0.5f,  0.4f,  0.5f,  0.5f,  0.3f,  0.15f, 0.15f};
  a.equipment_weekend = {0.15f, 0.15f, 0.15f, 0.15f, 0.15f, 0.15f, 0.15f, 0.15f,
                         0.15f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f,
                         0.25f, 0.15f, 0.15f, 0.2f,  0.2f,  0.2f,  0.15f, 0.15f};
  return a;
}

}  // namespace

const char* use_type_name(UseType use) {
  const auto i = static_cast<std::size_t>(use);
  PT_ASSERT(i < kUseTypes, "use type out of range");
  return kNames[i].data();  // string literals: NUL-terminated
}

std::optional<UseType> parse_use_type(std::string_view name) {
  for (std::size_t i = 0; i < kUseTypes; ++i) {
    if (kNames[i] == name) return static_cast<UseType>(i);
  }
  return std::nullopt;
}

const Archetype& archetype(UseType use) {
  // Built once, on first use (thread-safe since C++11), and only read after.
  static const std::array<Archetype, kUseTypes> table = {office(),      lab(),    manufacturing(),
                                                         residential(), retail(), campus()};
  const auto i = static_cast<std::size_t>(use);
  PT_ASSERT(i < kUseTypes, "use type out of range");
  return table[i];
}

}  // namespace parktwin::buildings

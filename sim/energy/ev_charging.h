#pragma once
// EV charging at the buildings' car parks (DESIGN.md, "One step of the World", 4: vehicles
// that park at a building become charging sessions). An EV that ends its trip at a building
// with chargers plugs in with its arrival state of charge and stays until it leaves; the
// sessions present at a building take its chargers in order of arrival (one each), and a
// session leaves its charger when its battery reaches the target or its car leaves, so that
// the next in line gets it (as a car park's attendant or an app queue would do). Power is
// counted at the charger (AC side); the car's battery gets `efficiency` of it.
//
// Policies (controllers, chosen per scenario):
//   immediate: full charger power from plug-in until the target is reached;
//   delayed:   charge only in the tariff's valley period, unless waiting longer would leave
//              the target unreached at departure (least-laxity first: then full power);
//   edf, llf:  the sessions on chargers share what their feeder can still carry this step
//              (its capacity less its buildings' demand net of PV), earliest departure first
//              (edf) or least laxity first (llf: time left before departure less the time
//              its charger needs to finish), each up to its charger's power; the two
//              scheduling rules of ACN-Sim's evaluation (Lee, Li and Low, "ACN-Data", e-Energy
//              2019; Lee et al., "Adaptive Charging Networks", IEEE Trans. Smart Grid 2021),
//              under the feeder as the one infrastructure limit. A feeder without a capacity
//              limits nothing: every session then gets its charger's full power.
// Energy short of the target when a car leaves is "unserved charging energy".

#include <cstdint>
#include <string_view>
#include <vector>

namespace parktwin::energy {

enum class ChargingPolicy : std::uint8_t { immediate, delayed, edf, llf };
const char* charging_policy_name(ChargingPolicy p);
// The policy of a manifest's name ("immediate", "delayed", "edf", "llf"); false if unknown.
bool parse_charging_policy(std::string_view name, ChargingPolicy& out);

// Charger to battery (AC charging with the on-board charger). 0.90 is in the range that
// measurements of Level 2 charging report (e.g. 0.85-0.95, Idaho National Laboratory's EV
// charging efficiency tests; recalled, not verified).
inline constexpr double kChargingEfficiency = 0.90;

// What edf and llf leave free on a feeder (W), for the rounding of the chargers' draw (kept in
// single precision), so that a schedule filling the room never tips the feeder over.
inline constexpr double kScheduleMargin_w = 1.0;

// Sessions of one run, in order of arrival. Sized once for every EV of the demand, so that
// plugging in never allocates; a car plugs in at most once (a trip ends once).
struct ChargingSessions {
  std::vector<std::uint32_t> building;
  std::vector<double> arrive_s, depart_s;
  std::vector<double> need_kwh;       // into the battery, to the target
  std::vector<double> delivered_kwh;  // into the battery so far
  std::vector<std::uint32_t> active;  // sessions still at their car park, in arrival order
  std::uint64_t count = 0, active_count = 0;

  void reserve(std::size_t capacity);
  std::size_t capacity() const { return building.size(); }
};

}  // namespace parktwin::energy

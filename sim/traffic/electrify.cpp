#include "sim/traffic/electrify.h"

#include <fmt/format.h>

#include <vector>

#include "engine/error.h"
#include "engine/rng.h"

namespace parktwin::traffic {

void electrify(Demand& demand, double share, std::uint64_t seed, const EvParams& ev) {
  if (!(share >= 0.0 && share <= 1.0)) {
    throw Error("EV share out of range")
        .field("ev_share")
        .expected("a share of car trips in [0, 1]")
        .found(fmt::format("{}", share));
  }
  if (share == 0.0) return;
  const std::size_t types = demand.types.size();
  std::vector<Index> twin(types, kNone);
  for (std::size_t t = 0; t < types; ++t) {
    const VehicleType& base = demand.types[t];
    if (base.vclass != VehicleClass::car || base.ev) continue;
    VehicleType e = base;
    e.name = base.name + "_ev";
    e.ev = true;
    e.battery_kwh = ev.battery_kwh;
    e.consumption_kwh_per_km = ev.consumption_kwh_per_km;
    e.initial_soc = ev.initial_soc;
    twin[t] = static_cast<Index>(demand.types.size());
    demand.types.push_back(std::move(e));
  }
  for (std::size_t i = 0; i < demand.trips.size(); ++i) {
    Trip& trip = demand.trips[i];
    if (twin[trip.type] == kNone) continue;
    if (rng::uniform(seed, EvStream::electrify, static_cast<std::uint32_t>(i), 0) < share) {
      trip.type = twin[trip.type];
    }
  }
}

}  // namespace parktwin::traffic

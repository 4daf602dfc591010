#pragma once
// The coupling of traffic, buildings and energy (DESIGN.md, "One step of the World", 4): the
// district's electrical assets from its buildings and grid, the car parks that trips end at,
// and the EVs that plug in there when their trip ends.

#include <cstdint>
#include <span>
#include <vector>

#include "sim/buildings/building_stock.h"
#include "sim/energy/energy_sim.h"
#include "sim/energy/grid_spec.h"
#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::coupling {

// The assets of every building (battery, chargers, feeder) and the grid's feeders and
// substations. With a grid, every building must name one of its feeders; without one
// (nullptr), each feeder a building names becomes an unlimited feeder of one unlimited
// substation "site" (buildings naming none share a feeder "site"). Throws parktwin::Error
// naming the building table's file, line, building and field for an unknown or missing feeder.
energy::DistrictAssets district_assets(const buildings::BuildingStock& stock,
                                       const energy::GridSpec* grid);

// Where trips end at car parks: for each road, the buildings with chargers whose car park is
// entered from it (CSR over roads), weighted by their chargers. A building's car park roads
// are those its table names (car_park_road), else the road whose lanes pass nearest to its
// footprint's centroid. Throws parktwin::Error naming the file, line, building and road for an
// unknown road.
struct CarParks {
  std::vector<std::uint32_t> road_begin;  // R + 1 entries
  std::vector<std::uint32_t> building;
  std::vector<double> weight_end;  // running sum of chargers within each road's range
};
CarParks car_parks(const buildings::BuildingStock& stock, const traffic::Network& net);

// How long an EV stays at a building of each use before its next trip (h): a working day at
// offices, labs, factories and the campus, an errand at shops, the night at home. Assumed
// (round figures of the usual workplace and residential charging studies), not measured here;
// each stay is drawn from 0.75..1.25 of it.
double mean_stay_h(buildings::UseType use);

// EV state of charge: each EV starts its trip with initial_soc +- 0.25 (uniform; the type's
// initial_soc is the mean) and charges to kTargetSoc.
inline constexpr double kTargetSoc = 0.90;
inline constexpr double kSocSpread = 0.25;

// Random streams of the coupling's draws (engine/rng.h), apart from traffic's.
enum class CouplingStream : std::uint32_t { car_park = 201, departure_soc = 202, stay = 203 };

// EV trips in the demand: the most charging sessions a run can have.
std::size_t ev_trip_count(const traffic::Demand& demand);

// Plugs in the EVs among the vehicles that finished their trip in the traffic's last step
// (TrafficState::finished_last_step) and whose last road has car parks: one car park drawn by
// its chargers, arrival state of charge = departure's - the energy driven (the type's
// consumption times the distance), a stay drawn for the building's use.
void plug_in_arrivals(const traffic::TrafficSim& traffic, const CarParks& parks,
                      const buildings::BuildingStock& stock, energy::EnergySim& energy,
                      std::uint64_t seed);

}  // namespace parktwin::coupling

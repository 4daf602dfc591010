#pragma once
// The buildings' and the district electricity's part of a run file (docs/hdf5-layout.md):
// static tables written once (/buildings, /energy/feeders) and [time] and [time, building]
// or [time, feeder] series, one row per sample beside traffic's (/series/buildings,
// /series/energy). Samples live in buffers sized once from the World (the recorder recycles
// them, so sampling allocates nothing).

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/hdf5/h5.h"
#include "sim/buildings/buildings_sim.h"
#include "sim/energy/energy_sim.h"
#include "sim/world.h"

namespace parktwin::scenarios {

// One sample of the buildings' state (BuildingsState): B entries per vector.
struct BuildingsSample {
  explicit BuildingsSample(std::size_t buildings);
  void take(const buildings::BuildingsSim& sim);

  std::vector<float> air_c, operative_c, electric_w, pv_w, hvac_heat_w;
  double site_electric_w = 0.0, site_pv_w = 0.0, outdoor_c = 0.0, sun_elevation_deg = 0.0;
};

// One sample of the district's electricity (EnergyState): B entries per building vector,
// F per feeder.
struct EnergySample {
  EnergySample(std::size_t buildings, std::size_t feeders);
  void take(const energy::EnergySim& sim);

  std::vector<float> charger_w, battery_w, import_w, export_w, stored_kwh;
  std::vector<double> feeder_w;
  double site_import_w = 0.0;
  std::uint8_t period = 0;  // energy::TouPeriod: 0 valley, 1 flat, 2 peak
};

// Creates /buildings and /series/buildings when the World has buildings, and /energy/feeders
// and /series/energy when it has energy (the series empty: DistrictSeries::open fills them).
void create_district_groups(hid_t file, hid_t series_group, const World& world,
                            const std::string& path);

// The series of /series/buildings and /series/energy, appended to a row per sample.
class DistrictSeries {
 public:
  // Opens the series that `series_group` has (those create_district_groups made), sized for
  // the World's buildings and feeders, `chunk_rows` rows to a chunk; with `keep_rows`, cut
  // back to that many rows (a resumed run). Error naming the file when it has series of a
  // subsystem the World lacks.
  void open(hid_t series_group, const World* world, std::size_t chunk_rows,
            std::optional<std::uint64_t> keep_rows, const std::string& path);
  bool has_buildings() const { return has_buildings_; }
  bool has_energy() const { return has_energy_; }
  // Appends a row to each series the file has; the sample of each must be given for them.
  void append(const BuildingsSample* buildings, const EnergySample* energy);
  // Writes the rows kept in memory.
  void write();

 private:
  bool has_buildings_ = false, has_energy_ = false;
  h5::Series air_c_, operative_c_, electric_w_, pv_w_, hvac_heat_w_;
  h5::Series site_electric_w_, site_pv_w_, outdoor_c_, sun_elevation_deg_;
  h5::Series charger_w_, battery_w_, import_w_, export_w_, stored_kwh_, feeder_w_;
  h5::Series site_import_w_, period_;
};

}  // namespace parktwin::scenarios

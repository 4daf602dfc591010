#pragma once
// A synthetic district in the structure of Suzhou Industrial Park's plan (`parktwin generate
// district --preset sip`): a lake with a central business district on its west shore, a
// science and education town and a biomedical park to the south, nanotech and manufacturing
// parks to the east, residential neighbourhoods with schools and shops around; arterials and
// collectors on the park's superblock grid, every junction signalised; buildings by documented
// rules per land use, car parks with EV chargers, rooftop PV and batteries at the factories,
// 10 kV feeders under 110 kV substations; a morning-peak demand from land use (homes to jobs,
// and commuters through the district's gates). Every number and its source, or its mark as an
// assumption, is in docs/sip-district.md. The geometry is synthetic, not a survey of SIP.

#include <cstddef>
#include <cstdint>
#include <string>

#include "scenarios/district/street_grid.h"
#include "scenarios/json_file.h"

namespace parktwin::scenarios::district {

struct SipSpec {
  std::uint64_t seed = 0;          // of the towers' heights and the trips
  double demand_scale = 1.0;       // share of the full-scale trips, in (0, 4]
  double duration_s = 3 * 3600.0;  // the morning peak, 07:00-10:00
};

struct SipCounts {
  std::size_t junctions = 0, gates = 0, roads = 0, lanes = 0;
  std::size_t blocks_built = 0, parks = 0;
  std::size_t buildings = 0, dwellings = 0, jobs = 0, chargers = 0;
  double floor_area_m2 = 0.0, pv_kwp = 0.0, battery_kwh = 0.0;
  std::size_t trips = 0, trips_inbound = 0, trips_outbound = 0;
  std::size_t feeders = 0, substations = 0;
  // Signal plans (Webster, scenarios/district/signal_timing.h) for the design hour from
  // design_hour_start_s (from 07:00).
  std::size_t timed_junctions = 0, saturated_junctions = 0;
  double mean_cycle_s = 0.0, max_cycle_s = 0.0, design_hour_start_s = 0.0;
};

struct SipDistrict {
  StreetGrid streets;
  Json roadnet;           // CityFlow roadnet
  Json buildings;         // GeoJSON table (scenarios/buildings_geojson.h)
  Json land_cover;        // GeoJSON (scenarios/land_cover_geojson.h): the lake, lakeside parks
  std::string od_csv;     // origin-destination matrix (scenarios/od_matrix.h)
  std::string grid_toml;  // feeders and substations (scenarios/grid_toml.h)
  SipCounts counts;
};

// Throws parktwin::Error naming the field ("demand_scale", "duration_s") that is out of range.
SipDistrict make_sip_district(const SipSpec& spec);

}  // namespace parktwin::scenarios::district

#include "scenarios/district_series.h"

#include <algorithm>

#include "engine/assert.h"
#include "engine/error.h"

namespace parktwin::scenarios {

BuildingsSample::BuildingsSample(std::size_t buildings)
    : air_c(buildings),
      operative_c(buildings),
      electric_w(buildings),
      pv_w(buildings),
      hvac_heat_w(buildings) {}

void BuildingsSample::take(const buildings::BuildingsSim& sim) {
  const buildings::BuildingsState& s = sim.state();
  PT_ASSERT(s.air_c.size() == air_c.size(), "buildings sample sized for another stock");
  std::copy(s.air_c.begin(), s.air_c.end(), air_c.begin());
  std::copy(s.operative_c.begin(), s.operative_c.end(), operative_c.begin());
  std::copy(s.electric_w.begin(), s.electric_w.end(), electric_w.begin());
  std::copy(s.pv_w.begin(), s.pv_w.end(), pv_w.begin());
  std::copy(s.hvac_heat_w.begin(), s.hvac_heat_w.end(), hvac_heat_w.begin());
  site_electric_w = s.site_electric_w;
  site_pv_w = s.site_pv_w;
  outdoor_c = s.outdoor_c;
  sun_elevation_deg = s.sun_elevation_deg;
}

EnergySample::EnergySample(std::size_t buildings, std::size_t feeders)
    : charger_w(buildings),
      battery_w(buildings),
      import_w(buildings),
      export_w(buildings),
      stored_kwh(buildings),
      feeder_w(feeders) {}

void EnergySample::take(const energy::EnergySim& sim) {
  const energy::EnergyState& s = sim.state();
  PT_ASSERT(s.charger_w.size() == charger_w.size() && s.feeder_w.size() == feeder_w.size(),
            "energy sample sized for other assets");
  std::copy(s.charger_w.begin(), s.charger_w.end(), charger_w.begin());
  std::copy(s.battery_w.begin(), s.battery_w.end(), battery_w.begin());
  std::copy(s.import_w.begin(), s.import_w.end(), import_w.begin());
  std::copy(s.export_w.begin(), s.export_w.end(), export_w.begin());
  // float32 in the file: 7 digits of a battery's kWh are more than its model is worth.
  std::transform(s.stored_kwh.begin(), s.stored_kwh.end(), stored_kwh.begin(),
                 [](double kwh) { return static_cast<float>(kwh); });
  std::copy(s.feeder_w.begin(), s.feeder_w.end(), feeder_w.begin());
  site_import_w = s.site_import_w;
  period = static_cast<std::uint8_t>(s.period);
}

void create_district_groups(hid_t file, hid_t series_group, const World& world,
                            const std::string& path) {
  const buildings::BuildingsSim* b = world.buildings();
  if (b == nullptr) return;
  const buildings::BuildingStock& stock = b->stock();
  const energy::EnergySim* e = world.energy();
  {
    const h5::Handle g = h5::create_group(file, "buildings", path);
    std::vector<std::string> use, feeder;
    std::vector<double> floor_area_m2, pv_kwp, battery_kwh;
    for (std::size_t i = 0; i < stock.size(); ++i) {
      use.emplace_back(buildings::use_type_name(stock.use[i]));
      // The feeder it is on as the energy module has it (buildings naming none are on "site").
      feeder.push_back(e != nullptr ? e->assets().feeder_name[e->assets().feeder[i]]
                                    : stock.feeder[i]);
      floor_area_m2.push_back(stock.floor_area_m2[i]);
      pv_kwp.push_back(stock.pv_kwp[i]);
      battery_kwh.push_back(stock.battery_kwh[i]);
    }
    h5::write_column(g.get(), "id", std::span<const std::string>(stock.id));
    h5::write_column(g.get(), "use", std::span<const std::string>(use));
    h5::write_column(g.get(), "feeder", std::span<const std::string>(feeder));
    h5::write_column<double>(g.get(), "floor_area_m2", floor_area_m2);
    h5::write_column<double>(g.get(), "pv_kwp", pv_kwp);
    h5::write_column<std::uint16_t>(g.get(), "chargers", stock.chargers);
    h5::write_column<double>(g.get(), "battery_kwh", battery_kwh);
  }
  h5::create_group(series_group, "buildings", path);
  if (e == nullptr) return;
  {
    const h5::Handle energy = h5::create_group(file, "energy", path);
    const h5::Handle g = h5::create_group(energy.get(), "feeders", path);
    const energy::DistrictAssets& a = e->assets();
    std::vector<double> capacity_kw;
    for (const double w : a.feeder_capacity_w) capacity_kw.push_back(w / 1000.0);
    h5::write_column(g.get(), "name", std::span<const std::string>(a.feeder_name));
    h5::write_column<double>(g.get(), "capacity_kw", capacity_kw);
  }
  h5::create_group(series_group, "energy", path);
}

void DistrictSeries::open(hid_t series_group, const World* world, std::size_t chunk_rows,
                          std::optional<std::uint64_t> keep_rows, const std::string& path) {
  has_buildings_ = h5::exists(series_group, "buildings");
  has_energy_ = h5::exists(series_group, "energy");
  const buildings::BuildingsSim* b = world != nullptr ? world->buildings() : nullptr;
  const energy::EnergySim* e = world != nullptr ? world->energy() : nullptr;
  if ((has_buildings_ && b == nullptr) || (has_energy_ && e == nullptr)) {
    throw Error("the run file has series of a subsystem this run lacks")
        .in_file(path)
        .field(has_energy_ && e == nullptr ? "/series/energy" : "/series/buildings")
        .expected("the run's buildings and energy, as its /meta names them");
  }
  const auto series = [&](hid_t group, const char* name, hid_t type, std::size_t columns) {
    return keep_rows ? h5::Series::reopen(group, name, type, columns, chunk_rows, *keep_rows, path)
                     : h5::Series(group, name, type, columns, chunk_rows, path);
  };
  if (has_buildings_) {
    const h5::Handle g = h5::open_group(series_group, "buildings", path);
    const hid_t id = g.get();
    const std::size_t B = b->stock().size();
    if (B > 0) {  // columns == 0 would make them [time] series
      air_c_ = series(id, "air_c", H5T_NATIVE_FLOAT, B);
      operative_c_ = series(id, "operative_c", H5T_NATIVE_FLOAT, B);
      electric_w_ = series(id, "electric_w", H5T_NATIVE_FLOAT, B);
      pv_w_ = series(id, "pv_w", H5T_NATIVE_FLOAT, B);
      hvac_heat_w_ = series(id, "hvac_heat_w", H5T_NATIVE_FLOAT, B);
    }
    site_electric_w_ = series(id, "site_electric_w", H5T_NATIVE_DOUBLE, 0);
    site_pv_w_ = series(id, "site_pv_w", H5T_NATIVE_DOUBLE, 0);
    outdoor_c_ = series(id, "outdoor_c", H5T_NATIVE_DOUBLE, 0);
    sun_elevation_deg_ = series(id, "sun_elevation_deg", H5T_NATIVE_DOUBLE, 0);
  }
  if (has_energy_) {
    const h5::Handle g = h5::open_group(series_group, "energy", path);
    const hid_t id = g.get();
    const std::size_t B = e->assets().buildings(), F = e->assets().feeders();
    if (B > 0) {
      charger_w_ = series(id, "charger_w", H5T_NATIVE_FLOAT, B);
      battery_w_ = series(id, "battery_w", H5T_NATIVE_FLOAT, B);
      import_w_ = series(id, "import_w", H5T_NATIVE_FLOAT, B);
      export_w_ = series(id, "export_w", H5T_NATIVE_FLOAT, B);
      stored_kwh_ = series(id, "stored_kwh", H5T_NATIVE_FLOAT, B);
    }
    if (F > 0) feeder_w_ = series(id, "feeder_w", H5T_NATIVE_DOUBLE, F);
    site_import_w_ = series(id, "site_import_w", H5T_NATIVE_DOUBLE, 0);
    period_ = series(id, "period", H5T_NATIVE_UINT8, 0);
  }
}

void DistrictSeries::append(const BuildingsSample* b, const EnergySample* e) {
  if (has_buildings_) {
    PT_ASSERT(b != nullptr, "a sample without the buildings' part for a file that has them");
    if (!b->air_c.empty()) {
      air_c_.append(b->air_c.data());
      operative_c_.append(b->operative_c.data());
      electric_w_.append(b->electric_w.data());
      pv_w_.append(b->pv_w.data());
      hvac_heat_w_.append(b->hvac_heat_w.data());
    }
    site_electric_w_.append(&b->site_electric_w);
    site_pv_w_.append(&b->site_pv_w);
    outdoor_c_.append(&b->outdoor_c);
    sun_elevation_deg_.append(&b->sun_elevation_deg);
  }
  if (has_energy_) {
    PT_ASSERT(e != nullptr, "a sample without the energy's part for a file that has it");
    if (!e->charger_w.empty()) {
      charger_w_.append(e->charger_w.data());
      battery_w_.append(e->battery_w.data());
      import_w_.append(e->import_w.data());
      export_w_.append(e->export_w.data());
      stored_kwh_.append(e->stored_kwh.data());
    }
    if (!e->feeder_w.empty()) feeder_w_.append(e->feeder_w.data());
    site_import_w_.append(&e->site_import_w);
    period_.append(&e->period);
  }
}

void DistrictSeries::write() {
  for (h5::Series* s :
       {&air_c_, &operative_c_, &electric_w_, &pv_w_, &hvac_heat_w_, &site_electric_w_, &site_pv_w_,
        &outdoor_c_, &sun_elevation_deg_, &charger_w_, &battery_w_, &import_w_, &export_w_,
        &stored_kwh_, &feeder_w_, &site_import_w_, &period_}) {
    s->write();
  }
}

}  // namespace parktwin::scenarios

// libFuzzer target for the HDF5 run file as parktwin reads it (inspect's summary, --resume's
// metadata and checkpoint restored into a simulation and stepped, replay's samples). Random
// bytes in an HDF5 file mostly exercise the HDF5 library; the findings of 2026-12-05 were
// well-formed files with hostile contents (an attribute that is an array, a checkpoint
// index out of range, a series one row short). So each input is a list of edits applied,
// through HDF5, to a copy of a real run file of the fixture (one killed after its
// checkpoints, one finished): overwrite bytes of a dataset, give an attribute another type or
// shape, resize a dataset, delete an object. The contract is fuzz_reader.cpp's.

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/error.h"
#include "scenarios/hdf5/h5.h"
#include "scenarios/replay.h"
#include "scenarios/run_file.h"
#include "scenarios/run_recorder.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/traffic_sim.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace parktwin;
namespace fs = std::filesystem;

// Objects an edit can pick, per base file: datasets and attributes (object, name).
struct Targets {
  std::vector<std::string> datasets;
  std::vector<std::pair<std::string, std::string>> attributes;
};
Targets targets[2];
const char* kBase[2] = {"killed.h5", "finished.h5"};

// A run of the fixture recorded as `parktwin run --out` would: samples every 60 s, checkpoints
// every 120 s, trajectories; `finish` adds the KPIs.
void record_base(const std::string& path, bool finish) {
  scenarios::RunMeta meta;
  meta.scenario = "grid_1x1";
  meta.network_path = "roadnet.json";
  meta.demand_path = "flow.json";
  meta.seed = 42;
  meta.duration_s = 300.0;
  meta.checkpoint_interval_s = 120.0;
  meta.trajectories = true;
  const traffic::Network net = scenarios::load_network(meta.network_path);
  const traffic::Demand demand = scenarios::load_run_demand(meta, net);
  traffic::TrafficSim sim(net, demand, {meta.step_s, meta.seed});
  scenarios::RunRecorder rec(path, meta, net, demand.trip_count());
  rec.record(sim);
  for (int step = 1; step <= 300; ++step) {
    sim.step();
    if (step % 60 == 0) rec.record(sim);
    if (step % 120 == 0) rec.checkpoint(sim);
  }
  if (finish) rec.finish(sim.kpis(), sim.state_hash(), 0.0, sim);
}

Targets list_targets(const std::string& path) {
  Targets t;
  const h5::Handle file = h5::open_file(path);
  for (const h5::DatasetInfo& d : h5::list_datasets(file.get())) t.datasets.push_back(d.path);
  for (const char* object :
       {"/meta", "/checkpoint", "/checkpoint/slot0", "/checkpoint/slot1", "/kpi", "/controllers"}) {
    if (!h5::exists(file.get(), object)) continue;
    const h5::Handle g(H5Oopen(file.get(), object, H5P_DEFAULT));
    for (const std::string& name : h5::attr_names(g.get())) t.attributes.emplace_back(object, name);
  }
  return t;
}

// Reads the input's bytes in order; past the end, zeros.
struct Bytes {
  const std::uint8_t* data;
  std::size_t size, at = 0;
  std::uint8_t u8() { return at < size ? data[at++] : 0; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(u8()) << (8 * i);
    return v;
  }
  bool done() const { return at >= size; }
};

void write_attr_value(hid_t object, const std::string& name, Bytes& in) {
  H5Adelete(object, name.c_str());
  const std::uint8_t kind = in.u8() % 5;
  const hsize_t three[1] = {3};
  const h5::Handle space(kind == 4 ? H5Screate_simple(1, three, nullptr) : H5Screate(H5S_SCALAR));
  if (kind == 0) {  // a string of the input's bytes
    std::string s;
    for (std::uint8_t n = in.u8() % 24; n > 0; --n) s.push_back(static_cast<char>(in.u8()));
    const h5::Handle type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type.get(), std::max<std::size_t>(s.size(), 1));
    const h5::Handle a(
        H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    s.resize(std::max<std::size_t>(s.size(), 1));
    H5Awrite(a.get(), type.get(), s.data());
  } else if (kind == 1 || kind == 2) {  // an integer, signed or not
    std::uint64_t v = static_cast<std::uint64_t>(in.u32()) << 32 | in.u32();
    const hid_t type = kind == 1 ? H5T_NATIVE_INT64 : H5T_NATIVE_UINT64;
    const h5::Handle a(
        H5Acreate2(object, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT));
    H5Awrite(a.get(), type, &v);
  } else {  // a double, or an array of three
    double v[3] = {};
    for (double& x : v) {
      const std::uint64_t bits = static_cast<std::uint64_t>(in.u32()) << 32 | in.u32();
      std::memcpy(&x, &bits, sizeof x);
    }
    const h5::Handle a(
        H5Acreate2(object, name.c_str(), H5T_NATIVE_DOUBLE, space.get(), H5P_DEFAULT, H5P_DEFAULT));
    H5Awrite(a.get(), H5T_NATIVE_DOUBLE, v);
  }
}

// Applies the input's edits to the file at `path` (HDF5 errors are ignored: an edit that
// cannot be made is not made).
void apply_edits(const std::string& path, const Targets& t, Bytes& in) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
  if (file.get() < 0) return;
  for (int edits = 0; edits < 8 && !in.done(); ++edits) {
    const std::uint8_t op = in.u8() % 4;
    if (op == 1 && !t.attributes.empty()) {
      const auto& [object, name] = t.attributes[in.u32() % t.attributes.size()];
      const h5::Handle g(H5Oopen(file.get(), object.c_str(), H5P_DEFAULT));
      if (g.get() >= 0) write_attr_value(g.get(), name, in);
      continue;
    }
    if (t.datasets.empty()) return;
    const std::string& name = t.datasets[in.u32() % t.datasets.size()];
    if (op == 3) {  // delete it
      H5Ldelete(file.get(), name.c_str(), H5P_DEFAULT);
      continue;
    }
    const h5::Handle d(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT));
    if (d.get() < 0) continue;
    const h5::Handle space(H5Dget_space(d.get()));
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 1 || rank > 2) continue;
    hsize_t dims[2] = {0, 0};
    H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    if (op == 2) {  // another number of rows (extendible datasets only take it)
      dims[0] = in.u8() % 2 == 0 ? dims[0] / 2 : dims[0] + in.u8() % 8;
      H5Dset_extent(d.get(), dims);
      continue;
    }
    // op 0: overwrite bytes of its storage, as the raw bytes of its own type.
    const h5::Handle type(H5Dget_type(d.get()));
    if (H5Tget_class(type.get()) == H5T_STRING) continue;
    const std::size_t element = H5Tget_size(type.get());
    const std::size_t count = dims[0] * (rank == 2 ? dims[1] : 1);
    if (count == 0 || element == 0 || element > 16) continue;
    std::vector<unsigned char> all(count * element);
    const h5::Handle native(H5Tget_native_type(type.get(), H5T_DIR_DEFAULT));
    if (H5Dread(d.get(), native.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data()) < 0) continue;
    const std::size_t at = in.u32() % all.size();
    for (std::uint8_t n = 1 + in.u8() % 16; n > 0 && at + n - 1 < all.size(); --n) {
      all[at + n - 1] = in.u8();
    }
    H5Dwrite(d.get(), native.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data());
  }
}

// What parktwin does with a run file: inspect, resume (restore and step), replay.
void read_run_file(const std::string& path, bool finished) {
  (void)scenarios::summarize_run_file(path);
  if (!finished) {
    const scenarios::ResumePoint r = scenarios::read_resume_point(path);
    const traffic::Network net = scenarios::load_network(r.meta.network_path);
    const traffic::Demand demand = scenarios::load_run_demand(r.meta, net);
    traffic::TrafficSim sim(net, demand, {r.meta.step_s, r.meta.seed});
    r.checkpoint.restore(sim, path);
    for (int i = 0; i < 5; ++i) sim.step();
    return;
  }
  scenarios::ReplayReader replay(path);
  for (const double t : {0.0, 90.0, 1e9}) (void)replay.at(t);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::enter_work_dir();
  for (int i = 0; i < 2; ++i) {
    record_base(kBase[i], i == 1);
    targets[i] = list_targets(kBase[i]);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in{data, size};
  const int base = in.u8() % 2;
  const std::string path = "input.h5";
  fs::copy_file(kBase[base], path, fs::copy_options::overwrite_existing);
  apply_edits(path, targets[base], in);
  fuzz::expect_success_or_error("run_file", [&] { read_run_file(path, base == 1); });
  return 0;
}

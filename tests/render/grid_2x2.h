#pragma once
// The small network the render tests draw, pick and inspect: 2x2 signalised nodes 200 m apart
// (CityFlow's grid generator), 3 lanes of 4 m per road stopping short of a signalised node,
// 600 veh/h per entry for 900 s (queues at the lights within minutes). Built once per binary.

#include "scenarios/cityflow/grid_generator.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"
#include "tests/support/temp_dir.h"

namespace parktwin::test {

struct Grid2x2 {
  scenarios::GridSpec spec;
  traffic::Network net;
  traffic::Demand demand;
};

inline const Grid2x2& grid_2x2() {
  static const Grid2x2 g = [] {
    Grid2x2 out;
    const TempDir dir;
    out.spec.rows = 2;
    out.spec.cols = 2;
    out.spec.link_m = 200.0;
    out.spec.rate_veh_per_h = 600.0;
    out.spec.horizon_s = 900.0;
    out.net = scenarios::load_network(
        dir.write("roadnet.json", scenarios::grid_roadnet(out.spec).dump()));
    out.demand = scenarios::load_demand(
        dir.write("flow.json", scenarios::grid_flow(out.spec).dump()), out.net, out.spec.horizon_s);
    return out;
  }();
  return g;
}

}  // namespace parktwin::test

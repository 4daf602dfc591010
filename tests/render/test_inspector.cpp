// The inspector's data from hand-made traffic frames on a 2x2 grid: a road counts the vehicles
// on its lanes, the halting ones (below 0.1 m/s) and their mean speed exactly; a vehicle is
// placed on its road and its route, also inside a junction; a junction shows its signal's
// phase and plan. The panel draws every kind headless (no window, no GPU) and asks for nothing
// when nothing is clicked.

#include <catch2/catch.hpp>
#include <imgui.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/error.h"
#include "render/inspector.h"
#include "render/scene_builder.h"
#include "tests/render/grid_2x2.h"

using namespace parktwin;
using traffic::Index;

namespace {

using Grid = test::Grid2x2;
const Grid& grid() { return test::grid_2x2(); }

// A frame's columns, owned.
struct Columns {
  std::vector<std::uint32_t> vehicle, segment;
  std::vector<float> pos_m, speed_mps;
  std::vector<std::uint32_t> signal_phase;

  void add(std::uint32_t trip, Index seg, float pos, float speed) {
    vehicle.push_back(trip);
    segment.push_back(seg);
    pos_m.push_back(pos);
    speed_mps.push_back(speed);
  }
  render::TrafficFrame frame() const {
    render::TrafficFrame f;
    f.time_s = 120.0;
    f.vehicle = vehicle;
    f.segment = segment;
    f.pos_m = pos_m;
    f.speed_mps = speed_mps;
    f.signal_phase = signal_phase;
    return f;
  }
};

// A road between two signalised nodes (its lanes are 200 - 2 x 30 = 140 m long).
Index inner_road(const traffic::Network& net) {
  for (Index r = 0; r < net.road_count(); ++r) {
    if (net.junction_virtual[net.road_from[r]] == 0 && net.junction_virtual[net.road_to[r]] == 0) {
      return r;
    }
  }
  FAIL("no road between two signalised nodes");
  return traffic::kNone;
}

// The first trip whose route has at least three roads.
std::uint32_t long_trip(const traffic::Demand& d) {
  for (std::uint32_t t = 0; t < d.trip_count(); ++t) {
    if (d.trips[t].route_length >= 3) return t;
  }
  FAIL("no trip with three roads");
  return 0;
}

}  // namespace

TEST_CASE("road_info counts a road's vehicles, its queue and their mean speed", "[inspector]") {
  const Grid& g = grid();
  const traffic::Network& net = g.net;
  const Index r = inner_road(net);
  const Index first = net.road_first_lane[r];
  REQUIRE(net.road_lane_count[r] == 3);
  Columns c;
  c.signal_phase.assign(net.signal_count(), 0);
  // Three vehicles on the middle lane, two of them halting (below 0.1 m/s), one on the left
  // lane moving; and two that are not on the road: on a lane of another road and on a link
  // leaving the road (in the junction).
  c.add(0, first + 1, 130.0f, 0.0f);
  c.add(1, first + 1, 122.0f, 0.05f);
  c.add(2, first + 1, 60.0f, 9.0f);
  c.add(3, first, 40.0f, 12.5f);
  const Index other = (r + 1) % static_cast<Index>(net.road_count());
  c.add(4, net.road_first_lane[other], 10.0f, 3.0f);
  REQUIRE(net.lane_links_begin[first + 1] < net.lane_links_begin[first + 2]);
  c.add(5, net.link_segment(net.lane_links_begin[first + 1]), 2.0f, 0.0f);

  const render::RoadInfo info = render::road_info(net, c.frame(), r);
  CHECK(info.id == net.road_id[r]);
  CHECK(info.lanes == 3);
  CHECK(info.length_m == Approx(g.spec.link_m - 2.0 * g.spec.intersection_width_m).margin(1e-3));
  CHECK(info.speed_limit_mps == Approx(g.spec.lane_speed_mps));
  CHECK(info.vehicles == 4);
  CHECK(info.halting == 2);
  const double sum = 0.0 + static_cast<double>(0.05f) + 9.0 + 12.5;
  CHECK(info.mean_speed_mps == Approx(sum / 4.0).epsilon(1e-12));
  CHECK_FALSE(info.closed);

  // Closed only when every lane is.
  std::vector<std::uint8_t> closed(net.lane_count(), 0);
  closed[first] = closed[first + 1] = 1;
  CHECK_FALSE(render::road_info(net, c.frame(), r, closed).closed);
  closed[first + 2] = 1;
  CHECK(render::road_info(net, c.frame(), r, closed).closed);

  // An empty road has no mean speed; bad input is refused.
  const Columns none{.signal_phase = c.signal_phase};
  const render::RoadInfo empty = render::road_info(net, none.frame(), r);
  CHECK(empty.vehicles == 0);
  CHECK(empty.halting == 0);
  CHECK(empty.mean_speed_mps == 0.0);
  CHECK_THROWS_AS(render::road_info(net, c.frame(), static_cast<Index>(net.road_count())), Error);
  Columns ragged = c;
  ragged.speed_mps.pop_back();
  CHECK_THROWS_AS(render::road_info(net, ragged.frame(), r), Error);
  CHECK_THROWS_AS(render::road_info(net, c.frame(), r, std::vector<std::uint8_t>(3, 0)), Error);
}

TEST_CASE("vehicle_info places a vehicle on its road and its route", "[inspector]") {
  const Grid& g = grid();
  const traffic::Network& net = g.net;
  const traffic::Demand& d = g.demand;
  const std::uint32_t trip = long_trip(d);
  const traffic::Trip& t = d.trips[trip];
  const Index road = d.route_road(t, 1);  // its second road
  const Index lane = net.road_first_lane[road] + 1;
  Columns c;
  c.signal_phase.assign(net.signal_count(), 0);
  c.add(trip + 1 < d.trip_count() ? trip + 1 : 0, net.road_first_lane[road], 5.0f, 4.0f);
  c.add(trip, lane, 50.0f, 7.25f);

  const render::VehicleInfo v = render::vehicle_info(net, d, c.frame(), trip);
  CHECK(v.id == d.trip_id[trip]);
  CHECK(v.type == d.types[t.type].name);
  CHECK(v.in_network);
  CHECK(v.speed_mps == 7.25);
  CHECK(v.road == net.road_id[road]);
  CHECK(v.lane_in_road == 1);
  REQUIRE(v.route.size() == t.route_length);
  for (Index k = 0; k < t.route_length; ++k) CHECK(v.route[k] == net.road_id[d.route_road(t, k)]);
  CHECK(v.route_pos == 1);
  CHECK(v.time_in_network_s == 0.0);

  // In the junction after its second road, on a link from that lane, it is still counted on
  // the road it came from.
  const Index next = d.route_road(t, 2);
  Index link = traffic::kNone;
  for (Index l = net.road_first_lane[road];
       l < net.road_first_lane[road] + net.road_lane_count[road] && link == traffic::kNone; ++l) {
    for (Index k = net.lane_links_begin[l]; k < net.lane_links_begin[l + 1]; ++k) {
      if (net.lane_road[net.link_to_lane[k]] == next) {
        link = k;
        break;
      }
    }
  }
  REQUIRE(link != traffic::kNone);
  c.segment.back() = net.link_segment(link);
  const render::VehicleInfo crossing = render::vehicle_info(net, d, c.frame(), trip);
  CHECK(crossing.road == net.road_id[road]);
  CHECK(crossing.lane_in_road == net.lane_index[net.link_from_lane[link]]);
  CHECK(crossing.route_pos == 1);

  // Not in the frame: no road, no position on the route.
  c.vehicle.back() = trip + 1 < d.trip_count() ? trip + 1 : 0;
  const render::VehicleInfo gone = render::vehicle_info(net, d, c.frame(), trip);
  CHECK_FALSE(gone.in_network);
  CHECK(gone.road.empty());
  CHECK(gone.route_pos == gone.route.size());
  CHECK(gone.route.size() == t.route_length);

  CHECK_THROWS_AS(
      render::vehicle_info(net, d, c.frame(), static_cast<std::uint32_t>(d.trip_count())), Error);
  c.vehicle.back() = trip;
  c.segment.back() = static_cast<Index>(net.segment_count());
  CHECK_THROWS_AS(render::vehicle_info(net, d, c.frame(), trip), Error);
}

TEST_CASE("junction_info shows the signal's phase and plan", "[inspector]") {
  const Grid& g = grid();
  const traffic::Network& net = g.net;
  Columns c;
  c.signal_phase.assign(net.signal_count(), 0);
  int signalised = 0, virtual_nodes = 0;
  for (Index j = 0; j < net.junction_count(); ++j) {
    const Index s = net.junction_signal[j];
    if (s == traffic::kNone) continue;
    c.signal_phase[s] = (s + 3) % 8;
  }
  for (Index j = 0; j < net.junction_count(); ++j) {
    const render::JunctionInfo info = render::junction_info(net, c.frame(), j);
    CHECK(info.id == net.junction_id[j]);
    const Index s = net.junction_signal[j];
    if (s == traffic::kNone) {
      ++virtual_nodes;
      CHECK_FALSE(info.signalised);
      CHECK(info.phase_durations_s.empty());
      continue;
    }
    ++signalised;
    CHECK(info.signalised);
    CHECK(info.phase == (s + 3) % 8);
    // The generated grid's odd phases are its clearances (right turns only).
    CHECK(info.phase_kind == (info.phase % 2 == 0 ? "green" : "amber"));
    const double green = g.spec.green_s, clear = g.spec.clearance_s;
    CHECK(info.phase_durations_s ==
          std::vector<double>{green, clear, green, clear, green, clear, green, clear});
    CHECK(info.time_in_phase_s == 0.0);
  }
  CHECK(signalised == 4);
  CHECK(virtual_nodes == 8);
  CHECK_THROWS_AS(render::junction_info(net, c.frame(), static_cast<Index>(net.junction_count())),
                  Error);
  c.signal_phase.pop_back();
  CHECK_THROWS_AS(render::junction_info(net, c.frame(), 0), Error);
}

TEST_CASE("inspect() turns a pick into what the inspector shows", "[inspector]") {
  const Grid& g = grid();
  const traffic::Network& net = g.net;
  const Index r = inner_road(net);
  Columns c;
  c.signal_phase.assign(net.signal_count(), 2);
  c.add(0, net.road_first_lane[r] + 2, 10.0f, 0.0f);
  const render::TrafficFrame f = c.frame();

  const render::Inspection lane =
      render::inspect(net, g.demand, f, {render::PickKind::lane, net.road_first_lane[r] + 2, {}});
  REQUIRE(std::holds_alternative<render::RoadInfo>(lane));
  CHECK(std::get<render::RoadInfo>(lane).id == net.road_id[r]);
  CHECK(std::get<render::RoadInfo>(lane).halting == 1);

  const Index j = net.road_to[r];
  const render::Inspection junction =
      render::inspect(net, g.demand, f, {render::PickKind::junction, j, {}});
  REQUIRE(std::holds_alternative<render::JunctionInfo>(junction));
  CHECK(std::get<render::JunctionInfo>(junction).phase == 2);

  const render::Inspection vehicle =
      render::inspect(net, g.demand, f, {render::PickKind::vehicle, 0, {}});
  REQUIRE(std::holds_alternative<render::VehicleInfo>(vehicle));
  CHECK(std::get<render::VehicleInfo>(vehicle).road == net.road_id[r]);
  CHECK(std::get<render::VehicleInfo>(vehicle).lane_in_road == 2);

  CHECK_THROWS_AS(
      render::inspect(net, g.demand, f,
                      {render::PickKind::lane, static_cast<Index>(net.lane_count()), {}}),
      Error);
}

TEST_CASE("the inspector panel draws every kind and asks for nothing unclicked", "[inspector]") {
  // A bare Dear ImGui context: no platform or renderer backend, a built font atlas, frames
  // that produce draw lists nobody draws.
  ImGuiContext* ctx = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = {1280.0f, 800.0f};
  io.DeltaTime = 1.0f / 60.0f;
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);

  const std::vector<render::Inspection> cases{
      std::monostate{},
      render::VehicleInfo{"flow_0_1", "car", 8.0, 0.0, "road_0_1_0", 1,
                          std::vector<std::string>{"road_0_1_0", "road_1_1_0", "road_1_2_1"}, 0},
      render::VehicleInfo{
          .id = "flow_0_2", .route = {"a", "b"}, .route_pos = 2, .in_network = false},
      render::RoadInfo{"road_1_1_0", 3, 140.0, 16.67, 4, 2, 5.5, false},
      render::RoadInfo{"road_1_1_0", 3, 140.0, 16.67, 0, 0, 0.0, true},
      render::JunctionInfo{"intersection_1_1", true, 3, 12.0, {30, 5, 30, 5, 30, 5, 30, 5}},
      render::JunctionInfo{"intersection_0_1", false, 0, 0.0, {}},
  };
  render::TimingEdit timing;
  for (const render::Inspection& what : cases) {
    for (int frame = 0; frame < 3; ++frame) {
      ImGui::NewFrame();
      const render::InspectorCommands cmd = render::inspector_panel(what, timing);
      ImGui::Render();
      CHECK_FALSE(cmd.close);
      CHECK_FALSE(cmd.fly_to);
      CHECK_FALSE(cmd.close_road);
      CHECK_FALSE(cmd.open_road);
      CHECK_FALSE(cmd.retime.has_value());
      // Something is drawn exactly when there is something to show (after the window's
      // first frame, which ImGui spends measuring it, hidden).
      if (frame > 0) {
        const bool shown = ImGui::GetDrawData()->TotalVtxCount > 0;
        CHECK(shown == !std::holds_alternative<std::monostate>(what));
      }
    }
  }
  ImGui::DestroyContext(ctx);
}

TEST_CASE("marked roads get a band along their middle lane, over the lanes", "[inspector]") {
  const Grid& g = grid();
  render::SceneView scene = render::scene_of(g.net);
  const std::size_t before = scene.overlays.size();
  const std::vector<std::uint32_t> roads{0, 3};
  render::highlight_roads(g.net, roads, scene);
  std::size_t pieces = 0;
  for (const std::uint32_t r : roads) {
    const Index middle = g.net.road_first_lane[r] + g.net.road_lane_count[r] / 2;
    pieces += g.net.seg_shape[middle].points().size() - 1;
  }
  REQUIRE(scene.overlays.size() == before + 6 * pieces);
  // 60% of a 3-lane road of 4 m lanes: half-width 3.6 m, translucent white.
  const render::FlatVertex& v = scene.overlays[before];
  CHECK(std::hypot(v.offset_x_m, v.offset_y_m) == Approx(0.5 * 0.6 * 3 * 4.0).epsilon(1e-5));
  CHECK(v.colour == render::Rgba8{255, 255, 255, 140});
  const std::vector<std::uint32_t> bad{static_cast<std::uint32_t>(g.net.road_count())};
  CHECK_THROWS_WITH(render::highlight_roads(g.net, bad, scene),
                    Catch::Contains("road out of range"));
}

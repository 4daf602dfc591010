// Picking on a 2x2 signalised grid (no Vulkan needed): a ray straight down onto the middle of
// any lane picks that lane, onto a junction's centre that junction, onto a vehicle the
// vehicle's trip (not the lane under it); an oblique ray meets a vehicle's side where the
// geometry says, and a ray that meets nothing picks nothing.

#include <catch2/catch.hpp>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "engine/error.h"
#include "render/picking.h"
#include "render/scene_builder.h"
#include "tests/render/grid_2x2.h"

using namespace parktwin;
using render::Pick;
using render::PickKind;
using render::Ray;
using render::VehicleInstance;

namespace {

const traffic::Network& grid() { return test::grid_2x2().net; }

struct Fixture {
  const traffic::Network& net = grid();
  geo::Vec2 origin = render::scene_of(net).origin;
  render::Picker picker{net, origin};

  // A scene point (float metres from the origin) of world point p.
  geo::Vec3 scene(geo::Vec2 p, double z = 0.0) const {
    return {static_cast<float>(p.x - origin.x), static_cast<float>(p.y - origin.y),
            static_cast<float>(z)};
  }
  // Straight down from 100 m above scene point p.
  static Ray down(geo::Vec3 p) { return {{p.x, p.y, 100.0f}, {0.0f, 0.0f, -1.0f}}; }
  std::optional<Pick> pick(const Ray& r, std::span<const VehicleInstance> v = {},
                           std::span<const std::uint32_t> trips = {}) const {
    return picker.pick(r, v, trips);
  }
};

// A vehicle drawn with its front at arc length s of lane l.
VehicleInstance vehicle_on(const Fixture& f, traffic::Index l, double s) {
  const geo::PolylineView shape = f.net.seg_shape[l];
  const geo::Vec3 front = f.scene(shape.point_at(s));
  VehicleInstance v;
  v.front_x_m = front.x;
  v.front_y_m = front.y;
  v.heading_rad = static_cast<float>(shape.heading_at(s));
  v.length_m = 5.0f;
  v.width_m = 2.0f;
  return v;
}

}  // namespace

TEST_CASE("a ray down onto the middle of a lane picks that lane", "[picking]") {
  const Fixture f;
  REQUIRE(f.net.lane_count() == 24 * 3);  // 4 rc + 2 (r + c) roads of 3 lanes
  CHECK(f.picker.static_boxes() >= f.net.lane_count() + 4);
  for (traffic::Index l = 0; l < f.net.lane_count(); ++l) {
    const geo::PolylineView shape = f.net.seg_shape[l];
    const geo::Vec3 mid = f.scene(shape.point_at(0.5 * shape.length()));
    const std::optional<Pick> p = f.pick(Fixture::down(mid));
    REQUIRE(p);
    CHECK(p->kind == PickKind::lane);
    CHECK(p->index == l);
    // Lanes are met where they are drawn, on the ground.
    CHECK(p->point.x == Approx(mid.x).margin(1e-4));
    CHECK(p->point.y == Approx(mid.y).margin(1e-4));
    CHECK(p->point.z == Approx(0.0).margin(1e-4));
  }
}

TEST_CASE("a ray down onto a junction's centre picks the junction", "[picking]") {
  const Fixture f;
  int signalised = 0;
  for (traffic::Index j = 0; j < f.net.junction_count(); ++j) {
    const std::optional<Pick> p = f.pick(Fixture::down(f.scene(f.net.junction_pos[j])));
    if (f.net.junction_virtual[j] != 0) {
      // Boundary nodes are not drawn, so not picked (their roads' lanes may be).
      CHECK((!p || p->kind != PickKind::junction));
      continue;
    }
    ++signalised;
    REQUIRE(p);
    CHECK(p->kind == PickKind::junction);
    CHECK(p->index == j);
    // The square is 24 m wide (twice three 4 m lanes): 11.5 m off the centre is still in it,
    // 12.5 m off (between the lanes' ends, 30 m away) is empty ground.
    const geo::Vec3 c = f.scene(f.net.junction_pos[j]);
    const std::optional<Pick> edge = f.pick(Fixture::down({c.x + 11.5f, c.y + 11.5f, 0.0f}));
    REQUIRE(edge);
    CHECK(edge->kind == PickKind::junction);
    CHECK(edge->index == j);
    CHECK_FALSE(f.pick(Fixture::down({c.x + 12.5f, c.y + 12.5f, 0.0f})));
  }
  CHECK(signalised == 4);
}

TEST_CASE("a vehicle is picked instead of the lane under it", "[picking]") {
  const Fixture f;
  const traffic::Index l = 7;
  const geo::PolylineView shape = f.net.seg_shape[l];
  const double s = 0.5 * shape.length();
  const std::vector<VehicleInstance> vehicles{vehicle_on(f, l, s - 20.0), vehicle_on(f, l, s),
                                              vehicle_on(f, l, s + 20.0)};
  const std::vector<std::uint32_t> trips{11, 77, 12};
  // 2.5 m behind the middle vehicle's front: the middle of its roof.
  const geo::Vec3 roof = f.scene(shape.point_at(s - 2.5));
  const std::optional<Pick> p = f.pick(Fixture::down(roof), vehicles, trips);
  REQUIRE(p);
  CHECK(p->kind == PickKind::vehicle);
  CHECK(p->index == 77);
  CHECK(p->point.x == Approx(roof.x).margin(1e-4));
  CHECK(p->point.y == Approx(roof.y).margin(1e-4));
  CHECK(p->point.z == Approx(1.5).margin(1e-4));
  // In the 15 m gap to the next vehicle the ray reaches the lane.
  const std::optional<Pick> gap =
      f.pick(Fixture::down(f.scene(shape.point_at(s + 10.0))), vehicles, trips);
  REQUIRE(gap);
  CHECK(gap->kind == PickKind::lane);
  CHECK(gap->index == l);
  // Just ahead of the front bumper, too: the box lies behind the front point.
  const std::optional<Pick> ahead =
      f.pick(Fixture::down(f.scene(shape.point_at(s + 0.1))), vehicles, trips);
  REQUIRE(ahead);
  CHECK(ahead->kind == PickKind::lane);
}

TEST_CASE("an oblique ray meets a vehicle's side where the geometry says", "[picking]") {
  const Fixture f;
  const traffic::Index l = 20;
  const geo::PolylineView shape = f.net.seg_shape[l];
  const double s = 0.5 * shape.length();
  const VehicleInstance v = vehicle_on(f, l, s);
  const std::vector<VehicleInstance> vehicles{v};
  const std::vector<std::uint32_t> trips{5};
  const double h = v.heading_rad;
  const geo::Vec2 dir{std::cos(h), std::sin(h)}, left{-std::sin(h), std::cos(h)};
  // The middle of the left side, 0.6 m up; the ray comes from 30 m to the left and 20 m up
  // (34 degrees down), so without the vehicle it would reach the lane 0.9 m beyond the side.
  const geo::Vec2 side = geo::Vec2{v.front_x_m, v.front_y_m} - dir * 2.5 + left * 1.0;
  const geo::Vec3 target{static_cast<float>(side.x), static_cast<float>(side.y), 0.6f};
  const geo::Vec2 eye2 = side + left * 30.0;
  const geo::Vec3 eye{static_cast<float>(eye2.x), static_cast<float>(eye2.y), 20.6f};
  const Ray ray{eye, target - eye};
  const std::optional<Pick> p = f.pick(ray, vehicles, trips);
  REQUIRE(p);
  CHECK(p->kind == PickKind::vehicle);
  CHECK(p->index == 5);
  CHECK(p->point.x == Approx(target.x).margin(1e-3));
  CHECK(p->point.y == Approx(target.y).margin(1e-3));
  CHECK(p->point.z == Approx(target.z).margin(1e-3));
  // Without vehicles the same ray goes on to the ground, 0.9 m past the side: the lane
  // (whose half-width is 2 m, the vehicle's side being 1 m off its centre line).
  const std::optional<Pick> bare = f.pick(ray);
  REQUIRE(bare);
  CHECK(bare->kind == PickKind::lane);
  CHECK(bare->index == l);
  CHECK(bare->point.z == Approx(0.0).margin(1e-4));
  const geo::Vec2 ground = side - left * 0.9;
  CHECK(bare->point.x == Approx(ground.x).margin(1e-3));
  CHECK(bare->point.y == Approx(ground.y).margin(1e-3));
}

TEST_CASE("a vehicle is picked at its drawn size when that exceeds its own", "[picking]") {
  const Fixture f;
  const traffic::Index l = 3;
  const geo::PolylineView shape = f.net.seg_shape[l];
  const double s = 0.5 * shape.length();
  VehicleInstance v = vehicle_on(f, l, s);
  v.length_m = 1.0f;
  v.width_m = 0.5f;
  const std::vector<VehicleInstance> vehicles{v};
  const std::vector<std::uint32_t> trips{9};
  const Ray ray = Fixture::down(f.scene(shape.point_at(s - 3.0)));
  const std::optional<Pick> tiny = f.picker.pick(ray, vehicles, trips);
  REQUIRE(tiny);
  CHECK(tiny->kind == PickKind::lane);
  // Zoomed out, a vehicle is drawn at least 4 px long: 8 m at 2 m per pixel.
  const std::optional<Pick> drawn = f.picker.pick(ray, vehicles, trips, 8.0f, 4.0f);
  REQUIRE(drawn);
  CHECK(drawn->kind == PickKind::vehicle);
  CHECK(drawn->index == 9);
}

TEST_CASE("a ray that meets nothing picks nothing", "[picking]") {
  const Fixture f;
  const render::SceneView scene = render::scene_of(f.net);
  // Beyond the network's bounds, and in the middle of the block between the four signalised
  // nodes (100 m from every road).
  CHECK_FALSE(f.pick(Fixture::down({scene.max_x_m + 50.0f, 0.0f, 0.0f})));
  geo::Vec2 block{};
  traffic::Index c_junction = traffic::kNone;
  for (traffic::Index j = 0; j < f.net.junction_count(); ++j) {
    if (f.net.junction_virtual[j] != 0) continue;
    block = block + f.net.junction_pos[j] * 0.25;
    c_junction = j;
  }
  CHECK_FALSE(f.pick(Fixture::down(f.scene(block))));
  // Pointing up, or without a direction, from above a junction.
  const geo::Vec3 c = f.scene(f.net.junction_pos[c_junction]);
  REQUIRE(f.pick(Fixture::down(c)));
  CHECK_FALSE(f.pick({{c.x, c.y, 100.0f}, {0.0f, 0.0f, 1.0f}}));
  CHECK_FALSE(f.pick({{c.x, c.y, 100.0f}, {0.0f, 0.0f, 0.0f}}));
  // Horizontal, above the tallest vehicle: nothing.
  CHECK_FALSE(f.pick({{scene.min_x_m - 10.0f, c.y, 4.0f}, {1.0f, 0.0f, 0.0f}}));
  // A mismatch between instances and trips is the caller's error.
  const std::vector<VehicleInstance> vehicles(2);
  const std::vector<std::uint32_t> trips{1};
  CHECK_THROWS_AS(f.picker.pick(Fixture::down(c), vehicles, trips), Error);
}

TEST_CASE("a building is picked on its roof and its walls, the road beside it still is",
          "[picking]") {
  Fixture f;
  // A 40 x 20 m block rotated 30 degrees, 45 m high, centred 60 m north-east of the first
  // junction (off the roads of the grid).
  const geo::Vec2 c = f.net.junction_pos[f.net.signal_junction[0]] + geo::Vec2{60.0, 60.0};
  buildings::BuildingSpec spec;
  spec.id = "tower";
  spec.height_m = 45.0;
  spec.use = buildings::UseType::office;
  const double turn = 0.5235987755982988;
  for (const auto& [x, y] : {std::pair{-20.0, -10.0}, {20.0, -10.0}, {20.0, 10.0}, {-20.0, 10.0}}) {
    spec.footprint.push_back(c + geo::Vec2{std::cos(turn) * x - std::sin(turn) * y,
                                           std::sin(turn) * x + std::cos(turn) * y});
  }
  const buildings::BuildingStock stock = buildings::build_stock(std::span(&spec, 1));
  f.picker.add_buildings(stock, f.origin);
  const auto roof = f.pick(Fixture::down(f.scene(c)));
  REQUIRE(roof);
  CHECK(roof->kind == PickKind::building);
  CHECK(roof->index == 0);
  CHECK(roof->point.z == Approx(45.0f));
  // Just inside and just outside a corner along the rotated long axis (19.5 m vs 20.5 m).
  const geo::Vec2 axis{std::cos(turn), std::sin(turn)};
  CHECK(f.pick(Fixture::down(f.scene(c + axis * 19.5)))->kind == PickKind::building);
  const auto beside = f.pick(Fixture::down(f.scene(c + axis * 20.5)));
  CHECK((!beside || beside->kind != PickKind::building));
  // A low horizontal ray from the west hits its wall at mid height.
  const geo::Vec3 west = f.scene(c - geo::Vec2{80.0, 0.0}, 20.0);
  const auto wall = f.pick({west, {1.0f, 0.0f, 0.0f}});
  REQUIRE(wall);
  CHECK(wall->kind == PickKind::building);
  CHECK(wall->point.z == Approx(20.0f));
}

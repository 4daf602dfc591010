#include "render/scene_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "engine/error.h"
#include "render/palette.h"

namespace parktwin::render {

namespace {

using traffic::Index;

// Two triangles of a band `width` wide along a -> b.
void band(std::vector<FlatVertex>& out, geo::Vec2 a, geo::Vec2 b, double width, Rgba8 colour,
          geo::Vec2 origin) {
  const geo::Vec2 d = b - a;
  const double len = geo::length(d);
  if (!(len > 1e-6)) return;
  const geo::Vec2 n = geo::Vec2{-d.y, d.x} * (0.5 * width / len);
  const auto v = [&](geo::Vec2 p, double side) {
    return FlatVertex{static_cast<float>(p.x - origin.x), static_cast<float>(p.y - origin.y),
                      static_cast<float>(side * n.x), static_cast<float>(side * n.y), colour};
  };
  const FlatVertex p0 = v(a, -1), p1 = v(a, 1), p2 = v(b, 1), p3 = v(b, -1);
  out.insert(out.end(), {p0, p1, p2, p0, p2, p3});
}

void polyline_band(std::vector<FlatVertex>& out, geo::PolylineView shape, double width,
                   Rgba8 colour, geo::Vec2 origin) {
  const auto pts = shape.points();
  for (std::size_t i = 0; i + 1 < pts.size(); ++i)
    band(out, pts[i], pts[i + 1], width, colour, origin);
}

// A square `size` wide around p.
void square(std::vector<FlatVertex>& out, geo::Vec2 p, double size, Rgba8 colour,
            geo::Vec2 origin) {
  band(out, p - geo::Vec2{size / 2, 0.0}, p + geo::Vec2{size / 2, 0.0}, size, colour, origin);
}

}  // namespace

SceneView scene_of(const traffic::Network& net) {
  SceneView scene;
  scene.background = palette::kBackground;
  geo::Aabb2 box{
      {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()},
      {-std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}};
  const auto grow = [&](geo::Vec2 p) {
    box.min = {std::min(box.min.x, p.x), std::min(box.min.y, p.y)};
    box.max = {std::max(box.max.x, p.x), std::max(box.max.y, p.y)};
  };
  for (Index s = 0; s < net.segment_count(); ++s) {
    for (const geo::Vec2f p : net.seg_shape[s].points()) grow(p);
  }
  for (const geo::Vec2& p : net.junction_pos) grow(p);
  if (!(box.max.x >= box.min.x)) box = {{0.0, 0.0}, {1.0, 1.0}};
  scene.origin = {0.5 * (box.min.x + box.max.x), 0.5 * (box.min.y + box.max.y)};
  scene.min_x_m = static_cast<float>(box.min.x - scene.origin.x);
  scene.min_y_m = static_cast<float>(box.min.y - scene.origin.y);
  scene.max_x_m = static_cast<float>(box.max.x - scene.origin.x);
  scene.max_y_m = static_cast<float>(box.max.y - scene.origin.y);

  // Junctions: a square about as wide as the widest road meeting there.
  std::vector<double> junction_size(net.junction_count(), 0.0);
  for (Index r = 0; r < net.road_count(); ++r) {
    double width = 0.0;
    for (Index l = net.road_first_lane[r]; l < net.road_first_lane[r] + net.road_lane_count[r];
         ++l) {
      width += net.lane_width_m[l];
    }
    for (const Index j : {net.road_from[r], net.road_to[r]}) {
      junction_size[j] = std::max(junction_size[j], 2.0 * width);
    }
  }
  for (Index j = 0; j < net.junction_count(); ++j) {
    if (net.junction_virtual[j] != 0) continue;
    square(scene.ground, net.junction_pos[j], std::max(junction_size[j], 8.0), palette::kJunction,
           scene.origin);
  }
  const std::size_t L = net.lane_count();
  // Junction links, simplified: a straight band where the link is straight, else four along
  // its arc (their shapes carry dozens of points; a frame of a 30x30 grid would spend most of
  // its time on them).
  for (Index k = 0; k < net.link_count(); ++k) {
    const geo::PolylineView shape = net.seg_shape[net.link_segment(k)];
    const double len = shape.length(), width = 0.6 * net.lane_width_m[net.link_from_lane[k]];
    const geo::Vec2 a = shape.point_at(0.0), b = shape.point_at(len);
    const bool straight = geo::distance_to_segment(shape.point_at(0.5 * len), a, b) < 0.25;
    const int pieces = straight ? 1 : 4;
    for (int i = 0; i < pieces; ++i) {
      band(scene.links, shape.point_at(len * i / pieces), shape.point_at(len * (i + 1) / pieces),
           width, palette::kLink, scene.origin);
    }
  }
  scene.lane_begin.assign(L + 1, 0);
  for (Index l = 0; l < L; ++l) {
    scene.lane_begin[l] = static_cast<std::uint32_t>(scene.lanes.size());
    polyline_band(scene.lanes, net.seg_shape[l], 0.85 * net.lane_width_m[l], palette::kEmptyLane,
                  scene.origin);
  }
  scene.lane_begin[L] = static_cast<std::uint32_t>(scene.lanes.size());
  scene.junction_reach_m.assign(net.junction_count(), 0.0f);
  for (Index l = 0; l < net.lane_count(); ++l) {
    const Index j = net.road_to[net.lane_road[l]];
    const geo::PolylineView shape = net.seg_shape[l];
    const double reach = geo::length(shape.point_at(shape.length()) - net.junction_pos[j]);
    scene.junction_reach_m[j] = std::max(scene.junction_reach_m[j], static_cast<float>(reach));
  }
  return scene;
}

void update_scene(const traffic::Network& net, const traffic::Demand* demand, const TrafficFrame& f,
                  LaneColouring colouring, SceneView& scene) {
  const std::size_t n = f.vehicle.size();
  if (f.segment.size() != n || f.pos_m.size() != n || f.speed_mps.size() != n) {
    throw Error("traffic frame columns differ in length").expected(fmt::format("{} each", n));
  }
  if (f.signal_phase.size() != net.signal_count()) {
    throw Error("traffic frame has another number of signals")
        .expected(std::to_string(net.signal_count()))
        .found(std::to_string(f.signal_phase.size()));
  }
  scene.time_s = f.time_s;
  const std::size_t L = net.lane_count();

  // Vehicles, and per lane their count and speed sum (lanes are recoloured from these).
  std::vector<std::uint32_t>& count = scene.lane_vehicles;
  std::vector<float>& speed_sum = scene.lane_mean_speed_mps;  // sums first, means below
  count.assign(L, 0);
  speed_sum.assign(L, 0.0f);
  scene.vehicles.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Index seg = f.segment[i];
    if (seg >= net.segment_count()) {
      throw Error("vehicle on a segment the network does not have")
          .field(fmt::format("vehicle {}", f.vehicle[i]))
          .found(std::to_string(seg));
    }
    if (seg < L) {
      ++count[seg];
      speed_sum[seg] += f.speed_mps[i];
    }
    const geo::PolylineView shape = net.seg_shape[seg];
    const double along = net.seg_length_m[seg] > 0.0 ? static_cast<double>(f.pos_m[i]) *
                                                           shape.length() / net.seg_length_m[seg]
                                                     : 0.0;
    const geo::Vec2 p = shape.point_at(along);
    VehicleInstance& v = scene.vehicles[i];
    v.front_x_m = static_cast<float>(p.x - scene.origin.x);
    v.front_y_m = static_cast<float>(p.y - scene.origin.y);
    v.heading_rad = static_cast<float>(shape.heading_at(along));
    traffic::VehicleClass vclass = traffic::VehicleClass::car;
    if (demand != nullptr && f.vehicle[i] < demand->trip_count()) {
      const traffic::VehicleType& t = demand->types[demand->trips[f.vehicle[i]].type];
      v.length_m = static_cast<float>(t.length_m);
      v.width_m = static_cast<float>(t.width_m);
      vclass = t.vclass;
    }
    v.colour = palette::vehicle(vclass);
  }
  if (!f.lane_closed.empty() && f.lane_closed.size() != L) {
    throw Error("lane closures do not cover the network's lanes")
        .expected(std::to_string(L))
        .found(std::to_string(f.lane_closed.size()));
  }
  for (Index l = 0; l < L; ++l) {
    Rgba8 c = palette::kEmptyLane;
    if (!f.lane_closed.empty() && f.lane_closed[l] != 0) {
      c = palette::kClosedLane;  // whoever is still on it is leaving
      if (count[l] > 0) speed_sum[l] /= static_cast<float>(count[l]);
    } else if (count[l] > 0) {
      speed_sum[l] /= static_cast<float>(count[l]);
      if (colouring == LaneColouring::speed) {
        const double limit = std::max(net.seg_speed_limit_mps[l], 0.1);
        c = palette::ramp(static_cast<double>(speed_sum[l]) / limit);
      } else {
        const double per_100m = 100.0 * count[l] / std::max(net.seg_length_m[l], 1.0);
        c = palette::ramp(1.0 - per_100m / 20.0);
      }
    }
    for (std::uint32_t k = scene.lane_begin[l]; k < scene.lane_begin[l + 1]; ++k) {
      scene.lanes[k].colour = c;
    }
  }

  // Stop lines at the end of every lane into a signalised junction.
  scene.overlays.clear();
  for (Index l = 0; l < L; ++l) {
    const Index j = net.road_to[net.lane_road[l]];
    const Index g = net.junction_signal[j];
    if (g == traffic::kNone) continue;
    if (f.signal_phase[g] >= 64)
      throw Error("signal phase out of range").found(std::to_string(f.signal_phase[g]));
    bool green = false;
    for (Index k = net.lane_links_begin[l]; k < net.lane_links_begin[l + 1]; ++k) {
      const Index m = net.link_movement[k];
      green = green || ((net.movement_green_phases[m] >> f.signal_phase[g]) & 1u) != 0;
    }
    if (net.lane_links_begin[l] == net.lane_links_begin[l + 1]) continue;
    const geo::PolylineView shape = net.seg_shape[l];
    const double len = shape.length();
    const geo::Vec2 end = shape.point_at(len);
    const geo::Vec2 back = shape.point_at(std::max(0.0, len - 1.5));
    band(scene.overlays, back, end, 0.9 * net.lane_width_m[l],
         green ? palette::kGreenLight : palette::kRedLight, scene.origin);
  }

  // A ring just outside the stop lines of every junction an agent runs.
  if (!f.signal_agent.empty() && f.signal_agent.size() != net.signal_count()) {
    throw Error("traffic frame has another number of agent flags")
        .expected(std::to_string(net.signal_count()))
        .found(std::to_string(f.signal_agent.size()));
  }
  for (Index g = 0; g < f.signal_agent.size(); ++g) {
    if (f.signal_agent[g] == 0) continue;
    const Index j = net.signal_junction[g];
    const double r = std::max(static_cast<double>(scene.junction_reach_m[j]), 5.0) + 3.0;
    constexpr int kSides = 32;
    for (int i = 0; i < kSides; ++i) {
      const double a0 = 2.0 * std::numbers::pi * i / kSides;
      const double a1 = 2.0 * std::numbers::pi * (i + 1) / kSides;
      const geo::Vec2 c = net.junction_pos[j];
      band(scene.overlays, c + geo::Vec2{r * std::cos(a0), r * std::sin(a0)},
           c + geo::Vec2{r * std::cos(a1), r * std::sin(a1)}, 2.0, palette::kAgentRing,
           scene.origin);
    }
  }
}

void highlight_roads(const traffic::Network& net, std::span<const std::uint32_t> roads,
                     SceneView& scene) {
  for (const std::uint32_t r : roads) {
    if (r >= net.road_count()) {
      throw Error("road out of range")
          .expected(fmt::format("< {}", net.road_count()))
          .found(std::to_string(r));
    }
    // Along the middle lane (of an even count, the one right of the middle), 60% of the
    // road's width: it covers the lanes, leaving their edges to tell them apart.
    const Index first = net.road_first_lane[r];
    const std::uint16_t n = net.road_lane_count[r];
    if (n == 0) continue;
    const Index middle = first + n / 2;
    polyline_band(scene.overlays, net.seg_shape[middle], 0.6 * n * net.lane_width_m[middle],
                  palette::kHighlight, scene.origin);
  }
}

}  // namespace parktwin::render

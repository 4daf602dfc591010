#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "engine/error.h"
#include "scenarios/cityflow/cityflow.h"

namespace parktwin::scenarios {

using traffic::Index;
using traffic::kNone;

bool is_cityflow_roadnet(const Json& doc) {
  return doc.is_object() && doc.contains("intersections") && doc.contains("roads");
}

namespace {

geo::Vec2 read_point(const JsonReader& r, const Json& p, const std::string& where) {
  return {r.number(p, "x", where), r.number(p, "y", where)};
}

traffic::Turn read_turn(const JsonReader& r, const std::string& type, const std::string& where) {
  if (type == "go_straight") return traffic::Turn::straight;
  if (type == "turn_left") return traffic::Turn::left;
  if (type == "turn_right") return traffic::Turn::right;
  if (type == "turn_u") return traffic::Turn::uturn;
  r.fail(where, "unknown road link type", "go_straight, turn_left, turn_right or turn_u",
         "'" + type + "'");
}

// Moves the first point of `line` forward by `by` metres along its first segment (the road
// ends inside the intersection's square; lanes start at its edge).
void trim_start(std::vector<geo::Vec2>& line, double by) {
  const geo::Vec2 dir = line[1] - line[0];
  const double len = geo::length(dir);
  if (len > 0.0) line[0] = line[0] + dir * (by / len);
}

void trim_end(std::vector<geo::Vec2>& line, double by) {
  const std::size_t n = line.size();
  const geo::Vec2 dir = line[n - 2] - line[n - 1];
  const double len = geo::length(dir);
  if (len > 0.0) line[n - 1] = line[n - 1] + dir * (by / len);
}

// Do segments [a, b] and [c, d] cross (proper intersection, not touching at an end)?
bool segments_cross(geo::Vec2 a, geo::Vec2 b, geo::Vec2 c, geo::Vec2 d) {
  const double d1 = geo::cross(b - a, c - a), d2 = geo::cross(b - a, d - a);
  const double d3 = geo::cross(d - c, a - c), d4 = geo::cross(d - c, b - c);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

bool paths_cross(geo::PolylineView p, geo::PolylineView q) {
  const auto a = p.points(), b = q.points();
  for (std::size_t i = 0; i + 1 < a.size(); ++i) {
    for (std::size_t j = 0; j + 1 < b.size(); ++j) {
      if (segments_cross(a[i], a[i + 1], b[j], b[j + 1])) return true;
    }
  }
  return false;
}

int turn_rank(traffic::Turn t) {
  switch (t) {
    case traffic::Turn::straight:
      return 3;
    case traffic::Turn::left:
      return 2;
    case traffic::Turn::right:
      return 1;
    case traffic::Turn::uturn:
      return 0;
  }
  return 0;
}

// Right of way from geometry, as CityFlow derives its "crosses" (roadnet.cpp,
// Intersection::initCrosses): two links of one junction whose paths cross conflict when they
// can be green at the same time (unsignalised, or a common phase); the lower-ranked turn
// yields (straight > left > right > U-turn, CityFlow's priority), and of two equal turns
// the later link in input order. Links ending on the same lane are merges, handled by the
// merge order of the simulation instead.
void derive_right_of_way(traffic::Network& net) {
  const std::size_t K = net.link_count();
  std::vector<std::vector<Index>> yields(K);
  std::vector<std::vector<Index>> links_of(net.junction_count());
  for (Index k = 0; k < K; ++k) links_of[net.movement_junction[net.link_movement[k]]].push_back(k);
  for (Index j = 0; j < net.junction_count(); ++j) {
    const auto& ks = links_of[j];
    const bool signalised = net.junction_signal[j] != kNone;
    for (std::size_t x = 0; x < ks.size(); ++x) {
      for (std::size_t y = x + 1; y < ks.size(); ++y) {
        const Index a = ks[x], b = ks[y];
        const Index ma = net.link_movement[a], mb = net.link_movement[b];
        if (net.movement_from_road[ma] == net.movement_from_road[mb]) continue;
        if (net.link_to_lane[a] == net.link_to_lane[b]) continue;
        if (signalised && (net.movement_green_phases[ma] & net.movement_green_phases[mb]) == 0) {
          continue;
        }
        if (!paths_cross(net.seg_shape[net.link_segment(a)], net.seg_shape[net.link_segment(b)])) {
          continue;
        }
        const int ra = turn_rank(net.movement_turn[ma]), rb = turn_rank(net.movement_turn[mb]);
        // a < b in input order: on equal rank b yields.
        if (ra >= rb) {
          yields[b].push_back(a);
        } else {
          yields[a].push_back(b);
        }
      }
    }
  }
  net.link_yield_begin.assign(K + 1, 0);
  net.link_yield_to.clear();
  for (Index k = 0; k < K; ++k) {
    net.link_yield_to.insert(net.link_yield_to.end(), yields[k].begin(), yields[k].end());
    net.link_yield_begin[k + 1] = static_cast<Index>(net.link_yield_to.size());
  }
}

// The roadnet as read, element by element, before cross-references are resolved: the file may
// list roads before or after the intersections that name them.
constexpr std::uint32_t kNoShape = UINT32_MAX;

struct RawLaneLink {
  long long start_lane, end_lane;
  std::uint32_t shape;  // in RoadnetBuilder::shapes_; kNoShape: none given, straight
};
struct RawRoadLink {
  std::string start_road, end_road;
  traffic::Turn turn;
  std::vector<RawLaneLink> lane_links;
};
struct RawPhase {
  double time_s;
  std::vector<Index> road_links;
};
struct RawIntersection {
  std::string id;
  geo::Vec2 point;
  bool is_virtual;
  double width;
  std::vector<RawRoadLink> road_links;
  std::vector<RawPhase> phases;  // empty: no fixed-time plan
};
struct RawLane {
  double width, max_speed;
};
struct RawRoad {
  std::string id, start, end;
  std::vector<geo::Vec2> points;
  std::vector<RawLane> lanes;
};

// Element paths for messages about cross-references, built only when one fails.
std::string intersection_at(std::size_t i) { return element("intersections", i); }
std::string road_link_at(std::size_t i, std::size_t k) {
  return element(element(intersection_at(i), "roadLinks"), k);
}
std::string lane_link_at(std::size_t i, std::size_t k, std::size_t q) {
  return element(element(road_link_at(i, k), "laneLinks"), q);
}

// Collects intersections and roads (types and values checked as each element is read), then
// builds the network from them.
class RoadnetBuilder {
 public:
  explicit RoadnetBuilder(const std::string& path) : r_(path) {}

  void add_intersection(const Json& in) {
    const std::size_t i = intersections_.size();
    const std::string where = intersection_at(i);
    RawIntersection x;
    x.id = r_.string(in, "id", where);
    x.point = read_point(r_, r_.object(in, "point", where), element(where, "point"));
    x.is_virtual = r_.boolean_or(in, "virtual", where, false);
    x.width = r_.number_or(in, "width", where, 0.0);
    if (x.width < 0.0) {
      r_.fail(element(where, "width"), "negative intersection width", ">= 0",
              fmt::format("{}", x.width));
    }
    if (const Json* links = r_.optional(in, "roadLinks", where); links != nullptr) {
      if (!links->is_array())
        r_.fail(element(where, "roadLinks"), "wrong type", "an array", brief(*links));
      x.road_links.reserve(links->size());
      for (std::size_t k = 0; k < links->size(); ++k) {
        x.road_links.push_back(read_road_link((*links)[k], i, k));
      }
    }
    // Fixed-time plan of a real intersection with movements.
    const Json* light = r_.optional(in, "trafficLight", where);
    if (!x.is_virtual && light != nullptr && !x.road_links.empty()) {
      const std::string tw = element(where, "trafficLight");
      const Json& phases = r_.array(*light, "lightphases", tw);
      if (phases.size() > 64) {
        r_.fail(element(tw, "lightphases"), "too many phases", "at most 64",
                std::to_string(phases.size()));
      }
      for (std::size_t p = 0; p < phases.size(); ++p) {
        const std::string pw = element(element(tw, "lightphases"), p);
        RawPhase phase{r_.number(phases[p], "time", pw), {}};
        if (phase.time_s < 0.0) {
          r_.fail(element(pw, "time"), "negative phase duration", ">= 0 s",
                  fmt::format("{}", phase.time_s));
        }
        const Json& avail = r_.array(phases[p], "availableRoadLinks", pw);
        for (std::size_t q = 0; q < avail.size(); ++q) {
          if (!avail[q].is_number_integer() || avail[q].get<long long>() < 0 ||
              avail[q].get<long long>() >= static_cast<long long>(x.road_links.size())) {
            r_.fail(element(element(pw, "availableRoadLinks"), q), "road link index out of range",
                    fmt::format("an integer in 0..{}", x.road_links.size() - 1), brief(avail[q]));
          }
          phase.road_links.push_back(avail[q].get<Index>());
        }
        x.phases.push_back(std::move(phase));
      }
      // A plan whose phases all last 0 s would never turn any light green.
      double cycle_s = 0.0;
      for (const RawPhase& p : x.phases) cycle_s += p.time_s;
      if (!x.phases.empty() && !(cycle_s > 0.0 && std::isfinite(cycle_s))) {
        r_.fail(element(tw, "lightphases"), "signal plan without a positive cycle",
                "at least one phase with a time > 0 s, all finite",
                fmt::format("a cycle of {} s", cycle_s));
      }
    }
    intersections_.push_back(std::move(x));
  }

  void add_road(const Json& rd) {
    const std::string where = element("roads", roads_.size());
    RawRoad x;
    x.id = r_.string(rd, "id", where);
    x.start = r_.string(rd, "startIntersection", where);
    x.end = r_.string(rd, "endIntersection", where);
    const Json& pts = r_.array(rd, "points", where);
    if (pts.size() < 2) {
      r_.fail(element(where, "points"), "a road needs at least two points", ">= 2 points",
              std::to_string(pts.size()));
    }
    x.points.reserve(pts.size());
    for (std::size_t p = 0; p < pts.size(); ++p) {
      x.points.push_back(read_point(r_, pts[p], element(element(where, "points"), p)));
    }
    const Json& lanes = r_.array(rd, "lanes", where);
    if (lanes.empty() || lanes.size() > 64) {
      r_.fail(element(where, "lanes"), "a road needs between 1 and 64 lanes", "1..64 lanes",
              std::to_string(lanes.size()));
    }
    x.lanes.reserve(lanes.size());
    for (std::size_t l = 0; l < lanes.size(); ++l) {
      const std::string lw = element(element(where, "lanes"), l);
      const RawLane lane{r_.number(lanes[l], "width", lw), r_.number(lanes[l], "maxSpeed", lw)};
      if (!(lane.width > 0.0)) {
        r_.fail(element(lw, "width"), "lane width must be positive", "> 0",
                fmt::format("{}", lane.width));
      }
      if (!(lane.max_speed > 0.0)) {
        r_.fail(element(lw, "maxSpeed"), "lane speed limit must be positive", "> 0 m/s",
                fmt::format("{}", lane.max_speed));
      }
      x.lanes.push_back(lane);
    }
    roads_.push_back(std::move(x));
  }

  traffic::Network build() {
    reserve();
    add_junctions();
    add_roads();
    add_movements_and_signals();
    add_links();
    derive_right_of_way(net_);
    traffic::validate(net_, r_.file());
    return std::move(net_);
  }

 private:
  RawRoadLink read_road_link(const Json& rl, std::size_t i, std::size_t k) {
    const std::string lw = road_link_at(i, k);
    RawRoadLink x{r_.string(rl, "startRoad", lw),
                  r_.string(rl, "endRoad", lw),
                  read_turn(r_, r_.string(rl, "type", lw), element(lw, "type")),
                  {}};
    const Json& lane_links = r_.array(rl, "laneLinks", lw);
    x.lane_links.reserve(lane_links.size());
    for (std::size_t q = 0; q < lane_links.size(); ++q) {
      const std::string qw = element(element(lw, "laneLinks"), q);
      const Json& ll = lane_links[q];
      RawLaneLink link{r_.integer(ll, "startLaneIndex", qw), r_.integer(ll, "endLaneIndex", qw),
                       kNoShape};
      scratch_.clear();
      if (const Json* pts = r_.optional(ll, "points", qw); pts != nullptr && pts->is_array()) {
        for (std::size_t p = 0; p < pts->size(); ++p) {
          scratch_.push_back(read_point(r_, (*pts)[p], element(element(qw, "points"), p)));
        }
      }
      if (scratch_.size() >= 2) {
        // Stored as read: the link's geometry goes straight into the network's shape set.
        link.shape = static_cast<std::uint32_t>(shapes_.size());
        shapes_.add(scratch_);
      }
      x.lane_links.push_back(link);
    }
    return x;
  }

  // Every array sized once: a 30x30 grid's network is most of a run's memory, and growth by
  // doubling would leave a third of it as slack.
  void reserve() {
    std::size_t lanes = 0, links = 0, movements = 0, phases = 0;
    for (const RawRoad& rd : roads_) lanes += rd.lanes.size();
    for (const RawIntersection& x : intersections_) {
      movements += x.road_links.size();
      phases += x.phases.size();
      for (const RawRoadLink& rl : x.road_links) links += rl.lane_links.size();
    }
    const std::size_t J = intersections_.size(), R = roads_.size(), S = lanes + links;
    net_.junction_id.reserve(J);
    net_.junction_pos.reserve(J);
    net_.junction_virtual.reserve(J);
    net_.junction_signal.reserve(J);
    net_.road_id.reserve(R);
    net_.road_from.reserve(R);
    net_.road_to.reserve(R);
    net_.road_first_lane.reserve(R);
    net_.road_lane_count.reserve(R);
    net_.seg_length_m.reserve(S);
    net_.seg_speed_limit_mps.reserve(S);
    net_.lane_road.reserve(lanes);
    net_.lane_index.reserve(lanes);
    net_.lane_width_m.reserve(lanes);
    net_.link_from_lane.reserve(links);
    net_.link_to_lane.reserve(links);
    net_.link_movement.reserve(links);
    net_.movement_junction.reserve(movements);
    net_.movement_from_road.reserve(movements);
    net_.movement_to_road.reserve(movements);
    net_.movement_turn.reserve(movements);
    net_.movement_green_phases.reserve(movements);
    net_.phases.reserve(phases);
    links_.reserve(links);
    lane_shape_.reserve(lanes);
  }

  // Intersections -> junctions.
  void add_junctions() {
    for (std::size_t i = 0; i < intersections_.size(); ++i) {
      const RawIntersection& x = intersections_[i];
      if (!junction_of_.emplace(x.id, static_cast<Index>(i)).second) {
        r_.fail(element(intersection_at(i), "id"), "duplicate intersection id", "a unique id",
                "'" + x.id + "'");
      }
      net_.junction_id.push_back(x.id);
      net_.junction_pos.push_back(x.point);
      net_.junction_virtual.push_back(x.is_virtual ? 1 : 0);
      net_.junction_signal.push_back(kNone);
    }
  }

  // Roads and their lanes.
  void add_roads() {
    for (std::size_t i = 0; i < roads_.size(); ++i) {
      const std::string where = element("roads", i);
      RawRoad& rd = roads_[i];
      if (!road_of_.emplace(rd.id, static_cast<Index>(i)).second) {
        r_.fail(element(where, "id"), "duplicate road id", "a unique id", "'" + rd.id + "'");
      }
      auto junction = [&](const char* key, const std::string& name) {
        const auto it = junction_of_.find(name);
        if (it == junction_of_.end()) {
          r_.fail(element(where, key), "unknown intersection", "an intersection id of this roadnet",
                  "'" + name + "'");
        }
        return it->second;
      };
      const Index from = junction("startIntersection", rd.start);
      const Index to = junction("endIntersection", rd.end);
      const std::vector<geo::Vec2>& centre = rd.points;
      // Lanes start and end at the edges of real intersections: the road must be longer than
      // the widths cut from it, and so must the segments that are cut.
      const double cut_start = net_.junction_virtual[from] ? 0.0 : intersections_[from].width;
      const double cut_end = net_.junction_virtual[to] ? 0.0 : intersections_[to].width;
      {
        const double first_seg = geo::distance(centre[0], centre[1]);
        const double last_seg = geo::distance(centre[centre.size() - 2], centre.back());
        const double total = geo::Polyline(centre).length();
        if (!(total > cut_start + cut_end) || !(first_seg > cut_start) || !(last_seg > cut_end)) {
          r_.fail(where, "road is not longer than the intersections it joins",
                  fmt::format("end segments longer than the intersection widths {} and {} m",
                              cut_start, cut_end),
                  fmt::format("{:.2f} m in all, first segment {:.2f} m, last {:.2f} m", total,
                              first_seg, last_seg));
        }
      }
      net_.road_id.push_back(rd.id);
      net_.road_from.push_back(from);
      net_.road_to.push_back(to);
      net_.road_first_lane.push_back(static_cast<Index>(net_.lane_road.size()));
      net_.road_lane_count.push_back(static_cast<std::uint16_t>(rd.lanes.size()));
      double offset = 0.0;
      for (std::size_t l = 0; l < rd.lanes.size(); ++l) {
        // Centre line: to the right of the road's reference line (CityFlow: lane 0 innermost).
        const double shift = offset + rd.lanes[l].width / 2.0;
        offset += rd.lanes[l].width;
        std::vector<geo::Vec2> line(centre.size());
        for (std::size_t p = 0; p < centre.size(); ++p) {
          const geo::Vec2 dir =
              p + 1 < centre.size() ? centre[p + 1] - centre[p] : centre[p] - centre[p - 1];
          line[p] = centre[p] - geo::left_normal(dir) * shift;
        }
        if (cut_start > 0.0) trim_start(line, cut_start);
        if (cut_end > 0.0) trim_end(line, cut_end);
        lane_shape_.push_back(static_cast<std::uint32_t>(shapes_.size()));
        const double length = shapes_.add(line);
        if (!(length > 0.0)) {
          r_.fail(where, "road is not longer than the intersections it joins",
                  "length > start and end intersection widths",
                  fmt::format("{:.2f} m after trimming", length));
        }
        net_.lane_road.push_back(static_cast<Index>(i));
        net_.lane_index.push_back(static_cast<std::uint16_t>(l));
        net_.lane_width_m.push_back(rd.lanes[l].width);
        net_.seg_length_m.push_back(length);
        net_.seg_speed_limit_mps.push_back(rd.lanes[l].max_speed);
      }
      rd.points = {};  // no longer needed; keeps the peak low on large networks
    }
  }

  // Road links -> movements and lane links; traffic lights -> signals.
  void add_movements_and_signals() {
    for (std::size_t i = 0; i < intersections_.size(); ++i) {
      RawIntersection& x = intersections_[i];
      const Index first_movement = static_cast<Index>(net_.movement_junction.size());
      for (std::size_t k = 0; k < x.road_links.size(); ++k) {
        RawRoadLink& rl = x.road_links[k];
        auto road = [&](const char* key, const std::string& name) {
          const auto it = road_of_.find(name);
          if (it == road_of_.end()) {
            r_.fail(element(road_link_at(i, k), key), "unknown road", "a road id of this roadnet",
                    "'" + name + "'");
          }
          return it->second;
        };
        const Index from_road = road("startRoad", rl.start_road);
        const Index to_road = road("endRoad", rl.end_road);
        if (net_.road_to[from_road] != i || net_.road_from[to_road] != i) {
          r_.fail(road_link_at(i, k),
                  "road link does not join roads that meet at this intersection",
                  fmt::format("startRoad ending and endRoad starting at '{}'", x.id),
                  fmt::format("'{}' -> '{}'", net_.road_id[from_road], net_.road_id[to_road]));
        }
        const Index movement = static_cast<Index>(net_.movement_junction.size());
        net_.movement_junction.push_back(static_cast<Index>(i));
        net_.movement_from_road.push_back(from_road);
        net_.movement_to_road.push_back(to_road);
        net_.movement_turn.push_back(rl.turn);
        net_.movement_green_phases.push_back(0);
        for (std::size_t q = 0; q < rl.lane_links.size(); ++q) {
          RawLaneLink& ll = rl.lane_links[q];
          auto lane = [&](const char* key, long long index, Index road_index) {
            if (index < 0 || index >= net_.road_lane_count[road_index]) {
              r_.fail(element(lane_link_at(i, k, q), key), "lane index out of range",
                      fmt::format("0..{} (lanes of '{}')", net_.road_lane_count[road_index] - 1,
                                  net_.road_id[road_index]),
                      std::to_string(index));
            }
            return net_.road_first_lane[road_index] + static_cast<Index>(index);
          };
          Link link{lane("startLaneIndex", ll.start_lane, from_road),
                    lane("endLaneIndex", ll.end_lane, to_road),
                    movement,
                    ll.shape,
                    static_cast<std::uint32_t>(i),
                    static_cast<std::uint32_t>(k),
                    static_cast<std::uint32_t>(q)};
          if (link.shape == kNoShape) {
            // No geometry given: straight from the lane's end to the next lane's start.
            const std::array<geo::Vec2, 2> straight{
                shapes_[lane_shape_[link.from_lane]].points().back(),
                shapes_[lane_shape_[link.to_lane]].points().front()};
            link.shape = static_cast<std::uint32_t>(shapes_.size());
            shapes_.add(straight);
          }
          links_.push_back(link);
        }
      }
      if (!x.phases.empty()) {
        net_.junction_signal[i] = static_cast<Index>(net_.signal_junction.size());
        net_.signal_junction.push_back(static_cast<Index>(i));
        net_.signal_phase_begin.push_back(static_cast<Index>(net_.phases.size()));
        for (std::size_t p = 0; p < x.phases.size(); ++p) {
          net_.phases.push_back({x.phases[p].time_s});
          for (const Index k : x.phases[p].road_links) {
            net_.movement_green_phases[first_movement + k] |= 1ULL << p;
          }
        }
      }
      x = {};  // used in full: keeps the peak low on large networks
    }
    net_.signal_phase_begin.push_back(static_cast<Index>(net_.phases.size()));
    // CityFlow's phases that let only always-green turns go are its yellow (clearance).
    traffic::mark_clearance_phases(net_, traffic::PhaseKind::amber);
  }

  // Lane links -> link segments, grouped by start lane (stable: input order within a lane
  // decides ties later).
  void add_links() {
    std::vector<std::size_t> order(links_.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return links_[a].from_lane < links_[b].from_lane;
    });
    const std::size_t lanes = net_.lane_count();
    net_.lane_links_begin.assign(lanes + 1, 0);
    for (const Link& l : links_) ++net_.lane_links_begin[l.from_lane + 1];
    for (std::size_t l = 0; l < lanes; ++l) {
      net_.lane_links_begin[l + 1] += net_.lane_links_begin[l];
    }
    // Shapes in segment order: lanes, then links as sorted.
    std::vector<std::uint32_t> shape_order(lane_shape_.begin(), lane_shape_.end());
    shape_order.reserve(lanes + links_.size());
    for (std::size_t idx : order) {
      const Link& l = links_[idx];
      const double length = shapes_[l.shape].length();
      if (!(length > 0.0)) {
        r_.fail(lane_link_at(l.intersection, l.road_link, l.lane_link), "lane link has zero length",
                "points spanning > 0 m", "0 m");
      }
      shape_order.push_back(l.shape);
      net_.link_from_lane.push_back(l.from_lane);
      net_.link_to_lane.push_back(l.to_lane);
      net_.link_movement.push_back(l.movement);
      net_.seg_length_m.push_back(length);
      net_.seg_speed_limit_mps.push_back(
          std::min(net_.seg_speed_limit_mps[l.from_lane], net_.seg_speed_limit_mps[l.to_lane]));
    }
    links_ = {};
    shapes_.permute(shape_order);
    net_.seg_shape = std::move(shapes_);
  }

  // A lane link with its lanes resolved; where it came from, for messages.
  struct Link {
    Index from_lane, to_lane, movement;
    std::uint32_t shape;
    std::uint32_t intersection, road_link, lane_link;
  };

  JsonReader r_;
  std::vector<RawIntersection> intersections_;
  std::vector<RawRoad> roads_;
  std::unordered_map<std::string, Index> junction_of_;
  std::unordered_map<std::string, Index> road_of_;
  std::vector<Link> links_;
  geo::PolylineSet shapes_;                // lane and link centre lines as read, in any order
  std::vector<std::uint32_t> lane_shape_;  // lane -> its shape in shapes_
  std::vector<geo::Vec2> scratch_;         // points of the lane link being read
  traffic::Network net_;
};

const char* const kNotRoadnet = "JSON file is not a CityFlow roadnet";
const char* const kRoadnetShape = "an object with \"intersections\" and \"roads\"";

}  // namespace

traffic::Network import_cityflow_roadnet(const Json& doc, const std::string& path) {
  const JsonReader r(path);
  if (!doc.is_object()) r.fail("", "a CityFlow roadnet must be a JSON object", "an object");
  RoadnetBuilder builder(path);
  for (const Json& in : r.array(doc, "intersections", "")) builder.add_intersection(in);
  for (const Json& rd : r.array(doc, "roads", "")) builder.add_road(rd);
  return builder.build();
}

traffic::Network read_cityflow_roadnet(const std::string& path) {
  RoadnetBuilder builder(path);
  JsonStream stream;
  stream.array_keys = {"intersections", "roads"};
  stream.on_element = [&](std::string_view key, std::size_t, const Json& element) {
    if (key == "intersections") {
      builder.add_intersection(element);
    } else {
      builder.add_road(element);
    }
  };
  const Json rest = stream_json_file(path, stream);
  if (!is_cityflow_roadnet(rest)) {
    throw Error(kNotRoadnet).in_file(path).expected(kRoadnetShape);
  }
  // Streamed arrays were checked element by element; the keys' own types are checked here.
  const JsonReader r(path);
  r.array(rest, "intersections", "");
  r.array(rest, "roads", "");
  return builder.build();
}

}  // namespace parktwin::scenarios

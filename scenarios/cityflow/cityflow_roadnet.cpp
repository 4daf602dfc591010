#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

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

struct RawLink {
  Index from_lane, to_lane, movement;
  std::vector<geo::Vec2> points;
  std::string where;
};

// Do segments [a, b] and [c, d] cross (proper intersection, not touching at an end)?
bool segments_cross(geo::Vec2 a, geo::Vec2 b, geo::Vec2 c, geo::Vec2 d) {
  const double d1 = geo::cross(b - a, c - a), d2 = geo::cross(b - a, d - a);
  const double d3 = geo::cross(d - c, a - c), d4 = geo::cross(d - c, b - c);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

bool paths_cross(const geo::Polyline& p, const geo::Polyline& q) {
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

}  // namespace

traffic::Network import_cityflow_roadnet(const Json& doc, const std::string& path) {
  const JsonReader r(path);
  if (!doc.is_object()) r.fail("", "a CityFlow roadnet must be a JSON object", "an object");
  traffic::Network net;

  // Intersections -> junctions.
  const Json& intersections = r.array(doc, "intersections", "");
  std::unordered_map<std::string, Index> junction_of;
  std::vector<double> junction_width;
  for (std::size_t i = 0; i < intersections.size(); ++i) {
    const std::string where = element("intersections", i);
    const Json& in = intersections[i];
    const std::string id = r.string(in, "id", where);
    if (!junction_of.emplace(id, static_cast<Index>(i)).second) {
      r.fail(element(where, "id"), "duplicate intersection id", "a unique id", "'" + id + "'");
    }
    net.junction_id.push_back(id);
    net.junction_pos.push_back(
        read_point(r, r.object(in, "point", where), element(where, "point")));
    net.junction_virtual.push_back(r.boolean_or(in, "virtual", where, false) ? 1 : 0);
    net.junction_signal.push_back(kNone);
    const double width = r.number_or(in, "width", where, 0.0);
    if (width < 0.0) {
      r.fail(element(where, "width"), "negative intersection width", ">= 0",
             fmt::format("{}", width));
    }
    junction_width.push_back(width);
  }

  // Roads and their lanes.
  const Json& roads = r.array(doc, "roads", "");
  std::unordered_map<std::string, Index> road_of;
  for (std::size_t i = 0; i < roads.size(); ++i) {
    const std::string where = element("roads", i);
    const Json& rd = roads[i];
    const std::string id = r.string(rd, "id", where);
    if (!road_of.emplace(id, static_cast<Index>(i)).second) {
      r.fail(element(where, "id"), "duplicate road id", "a unique id", "'" + id + "'");
    }
    auto junction = [&](const char* key) {
      const std::string name = r.string(rd, key, where);
      const auto it = junction_of.find(name);
      if (it == junction_of.end()) {
        r.fail(element(where, key), "unknown intersection", "an intersection id of this roadnet",
               "'" + name + "'");
      }
      return it->second;
    };
    const Index from = junction("startIntersection"), to = junction("endIntersection");
    const Json& pts = r.array(rd, "points", where);
    if (pts.size() < 2) {
      r.fail(element(where, "points"), "a road needs at least two points", ">= 2 points",
             std::to_string(pts.size()));
    }
    std::vector<geo::Vec2> centre;
    for (std::size_t p = 0; p < pts.size(); ++p) {
      centre.push_back(read_point(r, pts[p], element(element(where, "points"), p)));
    }
    {
      // Lanes start and end at the edges of real intersections: the road must be longer than
      // the widths cut from it, and so must the segments that are cut.
      const double cut_start = net.junction_virtual[from] ? 0.0 : junction_width[from];
      const double cut_end = net.junction_virtual[to] ? 0.0 : junction_width[to];
      const double first_seg = geo::distance(centre[0], centre[1]);
      const double last_seg = geo::distance(centre[centre.size() - 2], centre.back());
      const double total = geo::Polyline(centre).length();
      if (!(total > cut_start + cut_end) || !(first_seg > cut_start) || !(last_seg > cut_end)) {
        r.fail(where, "road is not longer than the intersections it joins",
               fmt::format("end segments longer than the intersection widths {} and {} m",
                           cut_start, cut_end),
               fmt::format("{:.2f} m in all, first segment {:.2f} m, last {:.2f} m", total,
                           first_seg, last_seg));
      }
    }
    const Json& lanes = r.array(rd, "lanes", where);
    if (lanes.empty() || lanes.size() > 64) {
      r.fail(element(where, "lanes"), "a road needs between 1 and 64 lanes", "1..64 lanes",
             std::to_string(lanes.size()));
    }
    net.road_id.push_back(id);
    net.road_from.push_back(from);
    net.road_to.push_back(to);
    net.road_first_lane.push_back(static_cast<Index>(net.lane_road.size()));
    net.road_lane_count.push_back(static_cast<std::uint16_t>(lanes.size()));
    double offset = 0.0;
    for (std::size_t l = 0; l < lanes.size(); ++l) {
      const std::string lw = element(element(where, "lanes"), l);
      const double width = r.number(lanes[l], "width", lw);
      const double max_speed = r.number(lanes[l], "maxSpeed", lw);
      if (!(width > 0.0))
        r.fail(element(lw, "width"), "lane width must be positive", "> 0",
               fmt::format("{}", width));
      if (!(max_speed > 0.0)) {
        r.fail(element(lw, "maxSpeed"), "lane speed limit must be positive", "> 0 m/s",
               fmt::format("{}", max_speed));
      }
      // Centre line: to the right of the road's reference line (CityFlow: lane 0 innermost).
      const double shift = offset + width / 2.0;
      offset += width;
      std::vector<geo::Vec2> line(centre.size());
      for (std::size_t p = 0; p < centre.size(); ++p) {
        const geo::Vec2 dir =
            p + 1 < centre.size() ? centre[p + 1] - centre[p] : centre[p] - centre[p - 1];
        line[p] = centre[p] - geo::left_normal(dir) * shift;
      }
      if (!net.junction_virtual[from]) trim_start(line, junction_width[from]);
      if (!net.junction_virtual[to]) trim_end(line, junction_width[to]);
      geo::Polyline shape(std::move(line));
      if (!(shape.length() > 0.0)) {
        r.fail(where, "road is not longer than the intersections it joins",
               "length > start and end intersection widths",
               fmt::format("{:.2f} m after trimming", shape.length()));
      }
      net.lane_road.push_back(static_cast<Index>(i));
      net.lane_index.push_back(static_cast<std::uint16_t>(l));
      net.lane_width_m.push_back(width);
      net.seg_length_m.push_back(shape.length());
      net.seg_speed_limit_mps.push_back(max_speed);
      net.seg_shape.push_back(std::move(shape));
    }
  }

  // Road links -> movements and lane links; traffic lights -> signals.
  std::vector<RawLink> raw;
  for (std::size_t i = 0; i < intersections.size(); ++i) {
    const std::string where = element("intersections", i);
    const Json& in = intersections[i];
    const Json* links = r.optional(in, "roadLinks", where);
    if (links == nullptr) continue;
    if (!links->is_array())
      r.fail(element(where, "roadLinks"), "wrong type", "an array", brief(*links));
    const Index first_movement = static_cast<Index>(net.movement_junction.size());
    for (std::size_t k = 0; k < links->size(); ++k) {
      const std::string lw = element(element(where, "roadLinks"), k);
      const Json& rl = (*links)[k];
      auto road = [&](const char* key) {
        const std::string name = r.string(rl, key, lw);
        const auto it = road_of.find(name);
        if (it == road_of.end()) {
          r.fail(element(lw, key), "unknown road", "a road id of this roadnet", "'" + name + "'");
        }
        return it->second;
      };
      const Index from_road = road("startRoad"), to_road = road("endRoad");
      if (net.road_to[from_road] != i || net.road_from[to_road] != i) {
        r.fail(lw, "road link does not join roads that meet at this intersection",
               fmt::format("startRoad ending and endRoad starting at '{}'", net.junction_id[i]),
               fmt::format("'{}' -> '{}'", net.road_id[from_road], net.road_id[to_road]));
      }
      const Index movement = static_cast<Index>(net.movement_junction.size());
      net.movement_junction.push_back(static_cast<Index>(i));
      net.movement_from_road.push_back(from_road);
      net.movement_to_road.push_back(to_road);
      net.movement_turn.push_back(read_turn(r, r.string(rl, "type", lw), element(lw, "type")));
      net.movement_green_phases.push_back(0);
      const Json& lane_links = r.array(rl, "laneLinks", lw);
      for (std::size_t q = 0; q < lane_links.size(); ++q) {
        const std::string qw = element(element(lw, "laneLinks"), q);
        const Json& ll = lane_links[q];
        const long long a = r.integer(ll, "startLaneIndex", qw);
        const long long b = r.integer(ll, "endLaneIndex", qw);
        if (a < 0 || a >= net.road_lane_count[from_road]) {
          r.fail(element(qw, "startLaneIndex"), "lane index out of range",
                 fmt::format("0..{} (lanes of '{}')", net.road_lane_count[from_road] - 1,
                             net.road_id[from_road]),
                 std::to_string(a));
        }
        if (b < 0 || b >= net.road_lane_count[to_road]) {
          r.fail(element(qw, "endLaneIndex"), "lane index out of range",
                 fmt::format("0..{} (lanes of '{}')", net.road_lane_count[to_road] - 1,
                             net.road_id[to_road]),
                 std::to_string(b));
        }
        RawLink link{net.road_first_lane[from_road] + static_cast<Index>(a),
                     net.road_first_lane[to_road] + static_cast<Index>(b),
                     movement,
                     {},
                     qw};
        if (const Json* pts = r.optional(ll, "points", qw); pts != nullptr && pts->is_array()) {
          for (std::size_t p = 0; p < pts->size(); ++p) {
            link.points.push_back(read_point(r, (*pts)[p], element(element(qw, "points"), p)));
          }
        }
        if (link.points.size() < 2) {
          // No geometry given: straight from the lane's end to the next lane's start.
          link.points = {net.seg_shape[link.from_lane].points().back(),
                         net.seg_shape[link.to_lane].points().front()};
        }
        raw.push_back(std::move(link));
      }
    }

    // Fixed-time plan of a real intersection with movements.
    const Json* light = r.optional(in, "trafficLight", where);
    if (net.junction_virtual[i] || light == nullptr || links->empty()) continue;
    const std::string tw = element(where, "trafficLight");
    const Json& phases = r.array(*light, "lightphases", tw);
    if (phases.empty()) continue;
    if (phases.size() > 64) {
      r.fail(element(tw, "lightphases"), "too many phases", "at most 64",
             std::to_string(phases.size()));
    }
    const Index signal = static_cast<Index>(net.signal_junction.size());
    net.junction_signal[i] = signal;
    net.signal_junction.push_back(static_cast<Index>(i));
    net.signal_phase_begin.push_back(static_cast<Index>(net.phases.size()));
    for (std::size_t p = 0; p < phases.size(); ++p) {
      const std::string pw = element(element(tw, "lightphases"), p);
      const double time = r.number(phases[p], "time", pw);
      if (time < 0.0)
        r.fail(element(pw, "time"), "negative phase duration", ">= 0 s", fmt::format("{}", time));
      net.phases.push_back({time});
      const Json& avail = r.array(phases[p], "availableRoadLinks", pw);
      for (std::size_t q = 0; q < avail.size(); ++q) {
        const std::string aw = element(element(pw, "availableRoadLinks"), q);
        if (!avail[q].is_number_integer() || avail[q].get<long long>() < 0 ||
            avail[q].get<long long>() >= static_cast<long long>(links->size())) {
          r.fail(aw, "road link index out of range",
                 fmt::format("an integer in 0..{}", links->size() - 1), brief(avail[q]));
        }
        net.movement_green_phases[first_movement + avail[q].get<Index>()] |= 1ULL << p;
      }
    }
  }
  net.signal_phase_begin.push_back(static_cast<Index>(net.phases.size()));

  // Links grouped by start lane (stable: input order within a lane decides ties later).
  std::vector<std::size_t> order(raw.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return raw[a].from_lane < raw[b].from_lane;
  });
  const std::size_t lanes = net.lane_count();
  net.lane_links_begin.assign(lanes + 1, 0);
  for (const RawLink& l : raw) ++net.lane_links_begin[l.from_lane + 1];
  for (std::size_t l = 0; l < lanes; ++l) net.lane_links_begin[l + 1] += net.lane_links_begin[l];
  for (std::size_t idx : order) {
    RawLink& l = raw[idx];
    geo::Polyline shape(std::move(l.points));
    if (!(shape.length() > 0.0)) {
      r.fail(l.where, "lane link has zero length", "points spanning > 0 m", "0 m");
    }
    net.link_from_lane.push_back(l.from_lane);
    net.link_to_lane.push_back(l.to_lane);
    net.link_movement.push_back(l.movement);
    net.seg_length_m.push_back(shape.length());
    net.seg_speed_limit_mps.push_back(
        std::min(net.seg_speed_limit_mps[l.from_lane], net.seg_speed_limit_mps[l.to_lane]));
    net.seg_shape.push_back(std::move(shape));
  }
  derive_right_of_way(net);
  traffic::validate(net, path);
  return net;
}

}  // namespace parktwin::scenarios

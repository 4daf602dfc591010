// SUMO network import (.net.xml): see sumo.h for the mapping onto traffic::Network.

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "scenarios/sumo/sumo.h"
#include "scenarios/sumo/sumo_xml.h"

namespace parktwin::scenarios {

using traffic::Index;
using traffic::kNone;

namespace {

using sumo::lane_permissions;
using sumo::quoted;
using sumo::XmlFile;

constexpr double kDefaultLaneWidth = 3.2;  // SUMO's default (netconvert --default.lanewidth)
// Without internal lanes (netconvert --no-internal-links) a connection has no length in SUMO,
// and lanes may even touch; a segment needs a positive length here.
constexpr double kMinLinkLength = 0.1;

struct InternalLane {
  std::string edge;  // its internal edge and index there, to find the next connection
  long long index = 0;
  double length = 0.0;
  double speed = 0.0;
  std::vector<geo::Vec2> shape;
};

struct Junction {
  std::vector<std::string> inc_lanes;
  std::vector<pugi::xml_node> requests;  // by request index; null where absent
};

struct Connection {
  pugi::xml_node node;
  std::string what;
  Index from_road = kNone, to_road = kNone, junction = kNone;
  Index from_lane = kNone, to_lane = kNone;  // our lane ids
  long long from_sumo = 0, to_sumo = 0;      // SUMO lane indices
  std::string via, tl;
  long long link_index = -1;
  traffic::Turn turn = traffic::Turn::straight;
  Index junction_index = kNone;  // position in the junction's right-of-way matrix
  bool keep_clear = true;        // SUMO's keepClear (default: on)
  bool major = true;             // its state is a priority one (upper case)
  bool zipper = false;           // state 'Z': a zipper merge
};

std::vector<geo::Vec2> to_points(const std::vector<std::pair<double, double>>& xy) {
  std::vector<geo::Vec2> out;
  out.reserve(xy.size());
  for (const auto& [x, y] : xy) out.push_back({x, y});
  return out;
}

std::string lane_key(const std::string& edge, long long index) {
  return edge + '\n' + std::to_string(index);
}

// Key of a connection between lanes (edge, index) -> (edge, index).
std::string connection_key(const std::string& from, long long from_lane, const std::string& to,
                           long long to_lane) {
  return lane_key(from, from_lane) + '\n' + lane_key(to, to_lane);
}

traffic::Turn read_turn(const XmlFile& f, pugi::xml_node c, const std::string& what) {
  const std::string dir = c.attribute("dir").value();
  if (dir == "s" || dir == "invalid") return traffic::Turn::straight;  // invalid: no angle known
  if (dir == "l" || dir == "L") return traffic::Turn::left;
  if (dir == "r" || dir == "R") return traffic::Turn::right;
  if (dir == "t") return traffic::Turn::uturn;
  f.fail(c, what, "unknown connection direction", "dir s, l, L, r, R or t", quoted(dir));
}

// Phases of one traffic light program, fixed-time or actuated.
struct Program {
  pugi::xml_node node;
  std::vector<double> durations;
  std::vector<std::string> states;
  std::vector<double> min_s, max_s;  // actuated: per phase (-1 where the duration is fixed)
  double max_gap_s = 0.0;            // actuated: SUMO's max-gap (0: a fixed-time program)
  double detector_gap_s = 0.0;       // actuated: SUMO's detector-gap
};

// SUMO's signal states (sumo.dlr.de "Traffic Lights", signal state definitions): a link may
// go in 'G' (priority green), 'g' (green, yielding), 'O' (light off: the junction's priority
// rules), 'o' (off, blinking: yield) and 's' (stop sign: yield; the full stop before it is
// not modelled), each yielding as the junction's requests say; 'y'/'Y' (amber), 'r', 'R' and
// 'u' (red-amber) hold it. A phase with any 'y'/'Y' is amber; one where no link may go is
// all-red; the rest are green (refined by mark_clearance_phases once the movements are known).
constexpr std::string_view kGoStates = "GgOos";
traffic::PhaseKind phase_kind_of(std::string_view state) {
  if (state.find_first_of("yY") != std::string_view::npos) return traffic::PhaseKind::amber;
  if (state.find_first_of(kGoStates) == std::string_view::npos) {
    return traffic::PhaseKind::all_red;
  }
  return traffic::PhaseKind::green;
}

Program read_program(const XmlFile& f, pugi::xml_node tl) {
  const std::string id = tl.attribute("id").value();
  const std::string what = "tlLogic " + quoted(id);
  // Fixed-time and gap-based actuated programs (MSActuatedTrafficLightLogic's defaults:
  // max-gap 3 s, detector-gap 2 s). Delay-based and other adaptive ones are refused rather
  // than run on their nominal durations, so a comparison with SUMO never mixes them silently.
  const std::string type = tl.attribute("type").empty() ? "static" : tl.attribute("type").value();
  if (type != "static" && type != "actuated") {
    f.fail(tl, what, "only fixed-time and actuated traffic lights are supported",
           "type \"static\" or \"actuated\"", quoted(type));
  }
  const bool actuated = type == "actuated";
  const double offset = f.number_or(tl, "offset", what, 0.0);
  if (offset != 0.0) {
    // Our signal plans start phase 0 at time 0; shifting them is not supported yet.
    f.fail(tl, what, "traffic light offsets are not supported", "offset 0",
           fmt::format("{}", offset));
  }
  Program p{tl, {}, {}, {}, {}, actuated ? 3.0 : 0.0, actuated ? 2.0 : 0.0};
  for (pugi::xml_node par = tl.child("param"); par; par = par.next_sibling("param")) {
    const std::string key = par.attribute("key").value();
    const std::string pw = fmt::format("{} param {}", what, quoted(key));
    if (actuated && (key == "max-gap" || key == "detector-gap")) {
      const double v = f.number(par, "value", pw);
      if (!(v > 0.0) || !std::isfinite(v)) {
        f.fail(par, pw, "must be a positive number of seconds", "> 0", fmt::format("{}", v));
      }
      (key == "max-gap" ? p.max_gap_s : p.detector_gap_s) = v;
    } else if (actuated && key == "show-detectors") {
      continue;  // how sumo-gui draws them
    } else {
      f.fail(par, pw, "traffic light parameter not supported",
             actuated ? "max-gap, detector-gap or show-detectors" : "none on a static program",
             quoted(key));
    }
  }
  for (pugi::xml_node ph = tl.child("phase"); ph; ph = ph.next_sibling("phase")) {
    const std::string pw = fmt::format("{} phase {}", what, p.durations.size());
    const double duration = f.time(ph, "duration", pw);
    if (!(duration > 0.0)) {
      f.fail(ph, pw, "phase duration must be positive", "> 0 s", fmt::format("{}", duration));
    }
    const std::string state = f.text(ph, "state", pw);
    for (const char c : state) {
      if (std::string_view("GgyYrRuosO").find(c) == std::string_view::npos) {
        f.fail(ph, pw, "unknown signal state", "one of G g y Y r u o O s for each link",
               fmt::format("'{}' in {}", c, quoted(state)));
      }
    }
    if (!p.states.empty() && state.size() != p.states.front().size()) {
      f.fail(ph, pw, "phase states differ in length",
             fmt::format("{} characters like phase 0", p.states.front().size()),
             std::to_string(state.size()));
    }
    double min_s = -1.0, max_s = -1.0;
    if (actuated && phase_kind_of(state) == traffic::PhaseKind::green) {
      min_s = f.number_or(ph, "minDur", pw, duration);
      max_s = f.number_or(ph, "maxDur", pw, duration);
      if (!(min_s >= 0.0 && min_s <= max_s && std::isfinite(max_s))) {
        f.fail(ph, pw, "actuated phase needs 0 <= minDur <= maxDur", "0 <= minDur <= maxDur",
               fmt::format("minDur {} maxDur {}", min_s, max_s));
      }
    }
    p.durations.push_back(duration);
    p.states.push_back(state);
    p.min_s.push_back(min_s);
    p.max_s.push_back(max_s);
  }
  if (p.durations.empty()) f.fail(tl, what, "traffic light has no phases", ">= 1 <phase>");
  if (p.durations.size() > 64) {
    f.fail(tl, what, "too many phases", "at most 64", std::to_string(p.durations.size()));
  }
  return p;
}

}  // namespace

traffic::Network import_sumo_net(const std::string& path,
                                 const std::vector<std::string>& additional_files) {
  const XmlFile f(path);
  const pugi::xml_node root = f.root();
  if (std::string_view(root.name()) != "net") {
    f.fail(root, "", "SUMO XML file is not a network", "root element <net>",
           fmt::format("<{}>", root.name()));
  }
  traffic::Network net;

  // --- junctions (internal ones are waiting positions inside a junction, not junctions)
  std::unordered_map<std::string, Index> junction_of;
  std::vector<Junction> junctions;
  std::unordered_set<std::string> internal_junctions;  // ids (each the lane that starts there)
  for (pugi::xml_node j = root.child("junction"); j; j = j.next_sibling("junction")) {
    const std::string id = f.text(j, "id", "junction");
    const std::string what = "junction " + quoted(id);
    const std::string type = j.attribute("type").value();
    if (type == "internal") {
      internal_junctions.insert(id);  // where a turn waits inside the junction
      continue;
    }
    if (!junction_of.emplace(id, static_cast<Index>(net.junction_count())).second) {
      f.fail(j, what, "duplicate junction id", "a unique id", quoted(id));
    }
    net.junction_id.push_back(id);
    net.junction_pos.push_back({f.number(j, "x", what), f.number(j, "y", what)});
    net.junction_virtual.push_back(type == "dead_end" ? 1 : 0);
    net.junction_signal.push_back(kNone);
    Junction rec;
    rec.inc_lanes = sumo::split_ids(j.attribute("incLanes").value());
    for (pugi::xml_node r = j.child("request"); r; r = r.next_sibling("request")) {
      const long long index = f.integer(r, "index", what + " request");
      if (index < 0 || index >= 4096) {
        f.fail(r, what + " request", "request index out of range", "0..4095",
               std::to_string(index));
      }
      const auto i = static_cast<std::size_t>(index);
      if (rec.requests.size() <= i) rec.requests.resize(i + 1);
      rec.requests[i] = r;
    }
    junctions.push_back(std::move(rec));
  }

  // --- edges: roads and their lanes; internal lanes kept for the links' geometry
  std::unordered_map<std::string, Index> road_of;
  std::unordered_set<std::string> internal_edges, pedestrian_edges;
  std::unordered_map<std::string, InternalLane> internal_lanes;              // by lane id
  std::unordered_map<std::string, std::pair<Index, long long>> normal_lane;  // id -> road, SUMO idx
  for (pugi::xml_node e = root.child("edge"); e; e = e.next_sibling("edge")) {
    const std::string id = f.text(e, "id", "edge");
    const std::string what = "edge " + quoted(id);
    const std::string function = e.attribute("function").value();
    if (function == "crossing" || function == "walkingarea") {
      pedestrian_edges.insert(id);
      continue;
    }
    if (function == "internal") {
      internal_edges.insert(id);
      for (pugi::xml_node l = e.child("lane"); l; l = l.next_sibling("lane")) {
        const std::string lid = f.text(l, "id", what + " lane");
        const std::string lw = what + " lane " + quoted(lid);
        InternalLane lane{id, f.integer(l, "index", lw), f.number(l, "length", lw),
                          f.number(l, "speed", lw), to_points(f.shape(l, "shape", lw))};
        if (!(lane.length > 0.0)) {
          f.fail(l, lw, "length must be positive", "> 0", fmt::format("{}", lane.length));
        }
        if (!(lane.speed > 0.0)) {
          f.fail(l, lw, "speed must be positive", "> 0 m/s", fmt::format("{}", lane.speed));
        }
        internal_lanes[lid] = std::move(lane);
      }
      continue;
    }
    // A normal road (or a district connector, which vehicles drive like one).
    auto junction = [&](const char* key) {
      const std::string name = f.text(e, key, what);
      const auto it = junction_of.find(name);
      if (it == junction_of.end()) {
        f.fail(e, what, fmt::format("unknown junction in '{}'", key),
               "a junction id of this network", quoted(name));
      }
      return it->second;
    };
    const Index from = junction("from"), to = junction("to");
    std::vector<pugi::xml_node> lanes;
    for (pugi::xml_node l = e.child("lane"); l; l = l.next_sibling("lane")) lanes.push_back(l);
    if (lanes.empty() || lanes.size() > 64) {
      f.fail(e, what, "an edge needs between 1 and 64 lanes", "1..64 <lane>s",
             std::to_string(lanes.size()));
    }
    // By SUMO index, which must run 0..n-1.
    std::vector<pugi::xml_node> by_index(lanes.size());
    for (const pugi::xml_node l : lanes) {
      const std::string lw = what + " lane " + quoted(l.attribute("id").value());
      const long long idx = f.integer(l, "index", lw);
      if (idx < 0 || idx >= static_cast<long long>(lanes.size()) || by_index[idx]) {
        f.fail(l, lw, "lane indices must be unique and run from 0",
               fmt::format("0..{}", lanes.size() - 1), std::to_string(idx));
      }
      by_index[idx] = l;
    }
    const auto road = static_cast<Index>(net.road_count());
    if (!road_of.emplace(id, road).second) {
      f.fail(e, what, "duplicate edge id", "a unique id", quoted(id));
    }
    net.road_id.push_back(id);
    net.road_from.push_back(from);
    net.road_to.push_back(to);
    net.road_first_lane.push_back(static_cast<Index>(net.lane_count()));
    net.road_lane_count.push_back(static_cast<std::uint16_t>(lanes.size()));
    const std::size_t n = lanes.size();
    for (std::size_t ours = 0; ours < n; ++ours) {
      const std::size_t sumo_index = n - 1 - ours;  // ours: 0 = leftmost; SUMO: 0 = rightmost
      const pugi::xml_node l = by_index[sumo_index];
      const std::string lid = f.text(l, "id", what + " lane");
      const std::string lw = what + " lane " + quoted(lid);
      const double length = f.number(l, "length", lw);
      const double speed = f.number(l, "speed", lw);
      const double width = f.number_or(l, "width", lw, kDefaultLaneWidth);
      if (!(length > 0.0)) {
        f.fail(l, lw, "length must be positive", "> 0", fmt::format("{}", length));
      }
      if (!(speed > 0.0)) {
        f.fail(l, lw, "speed must be positive", "> 0 m/s", fmt::format("{}", speed));
      }
      if (!(width > 0.0)) {
        f.fail(l, lw, "width must be positive", "> 0 m", fmt::format("{}", width));
      }
      const std::vector<geo::Vec2> shape = to_points(f.shape(l, "shape", lw));
      if (!normal_lane.emplace(lid, std::pair{road, static_cast<long long>(sumo_index)}).second) {
        f.fail(l, lw, "duplicate lane id", "a unique id", quoted(lid));
      }
      net.lane_road.push_back(road);
      net.lane_index.push_back(static_cast<std::uint16_t>(ours));
      net.lane_width_m.push_back(width);
      net.lane_access.push_back(lane_permissions(f, l, lw));
      net.seg_length_m.push_back(length);  // the file's length, which may differ from the shape's
      net.seg_speed_limit_mps.push_back(speed);
      net.seg_shape.add(shape);
    }
  }

  // --- traffic light programs: the first program of each id in the file
  std::unordered_map<std::string, pugi::xml_node> tl_logic;
  for (pugi::xml_node t = root.child("tlLogic"); t; t = t.next_sibling("tlLogic")) {
    tl_logic.emplace(f.text(t, "id", "tlLogic"), t);
  }
  // Additional files: signal programs replace the network's of the same id (the last one
  // loaded runs, as in SUMO); induction loops become detectors (below).
  std::vector<std::unique_ptr<XmlFile>> additional;
  std::unordered_map<std::string, std::pair<const XmlFile*, pugi::xml_node>> tl_added;
  for (const std::string& a : additional_files) {
    additional.push_back(std::make_unique<XmlFile>(a));
    const XmlFile& af = *additional.back();
    for (pugi::xml_node t = af.root().child("tlLogic"); t; t = t.next_sibling("tlLogic")) {
      tl_added[af.text(t, "id", "tlLogic")] = {&af, t};
    }
  }

  // --- connections: between roads -> links; from internal lanes -> the via chains
  std::vector<Connection> conns;
  std::unordered_map<std::string, std::string> internal_via;  // connection_key -> via lane id
  for (pugi::xml_node c = root.child("connection"); c; c = c.next_sibling("connection")) {
    const std::string from = f.text(c, "from", "connection");
    const std::string to = f.text(c, "to", "connection");
    const std::string what = fmt::format("connection {} -> {}", quoted(from), quoted(to));
    const long long from_lane = f.integer(c, "fromLane", what);
    const long long to_lane = f.integer(c, "toLane", what);
    if (internal_edges.count(from) != 0) {
      internal_via[connection_key(from, from_lane, to, to_lane)] = c.attribute("via").value();
      continue;
    }
    if (pedestrian_edges.count(from) != 0 || pedestrian_edges.count(to) != 0) continue;
    auto road = [&](const std::string& name, const char* key) {
      const auto it = road_of.find(name);
      if (it == road_of.end()) {
        f.fail(c, what, fmt::format("unknown edge in '{}'", key), "an edge id of this network",
               quoted(name));
      }
      return it->second;
    };
    Connection rec;
    rec.node = c;
    rec.what = what;
    rec.from_road = road(from, "from");
    rec.to_road = road(to, "to");
    auto lane = [&](Index r, long long index, const char* key) {
      const long long count = net.road_lane_count[r];
      if (index < 0 || index >= count) {
        f.fail(c, what, fmt::format("unknown lane in '{}'", key),
               fmt::format("0..{} (lanes of {})", count - 1, quoted(net.road_id[r])),
               std::to_string(index));
      }
      return net.road_first_lane[r] + static_cast<Index>(count - 1 - index);
    };
    rec.from_sumo = from_lane;
    rec.to_sumo = to_lane;
    rec.from_lane = lane(rec.from_road, from_lane, "fromLane");
    rec.to_lane = lane(rec.to_road, to_lane, "toLane");
    rec.junction = net.road_to[rec.from_road];
    if (net.road_from[rec.to_road] != rec.junction) {
      f.fail(c, what, "connection joins edges that do not meet at a junction",
             fmt::format("an edge leaving junction {}", quoted(net.junction_id[rec.junction])),
             fmt::format("{} leaving {}", quoted(to),
                         quoted(net.junction_id[net.road_from[rec.to_road]])));
    }
    rec.turn = read_turn(f, c, what);
    rec.via = c.attribute("via").value();
    if (!rec.via.empty() && internal_lanes.count(rec.via) == 0) {
      f.fail(c, what, "unknown internal lane in 'via'", "a lane of an internal edge",
             quoted(rec.via));
    }
    rec.tl = c.attribute("tl").value();
    if (!rec.tl.empty()) {
      rec.link_index = f.integer(c, "linkIndex", what);
      if (rec.link_index < 0) {
        f.fail(c, what, "negative linkIndex", ">= 0", std::to_string(rec.link_index));
      }
    }
    if (const pugi::xml_attribute st = c.attribute("state")) {
      const char s0 = st.value()[0];
      rec.major = s0 >= 'A' && s0 <= 'Z';
      rec.zipper = s0 == 'Z';
    }
    if (const pugi::xml_attribute kc = c.attribute("keepClear")) {
      const std::string_view value = kc.value();
      if (value == "0" || value == "false") {
        rec.keep_clear = false;
      } else if (value != "1" && value != "true") {
        f.fail(c, what, "keepClear must be a boolean", "0, 1, false or true",
               quoted(std::string(value)));
      }
    }
    conns.push_back(std::move(rec));
  }

  // --- right-of-way index: connections numbered along the junction's incLanes, each lane's
  // connections in file order (SUMO_Road_Networks.html, "Indices of a connection"). Links of
  // pedestrian crossings, which SUMO numbers after these, are not imported.
  {
    std::unordered_map<std::string, std::vector<std::size_t>> from_lane_conns;
    for (std::size_t i = 0; i < conns.size(); ++i) {
      from_lane_conns[lane_key(net.road_id[conns[i].from_road], conns[i].from_sumo)].push_back(i);
    }
    for (std::size_t j = 0; j < junctions.size(); ++j) {
      Index next = 0;
      for (const std::string& lid : junctions[j].inc_lanes) {
        const auto lane = normal_lane.find(lid);
        if (lane == normal_lane.end()) continue;  // internal or pedestrian lanes
        const auto it =
            from_lane_conns.find(lane_key(net.road_id[lane->second.first], lane->second.second));
        if (it == from_lane_conns.end()) continue;
        for (const std::size_t i : it->second) {
          if (conns[i].junction == j) conns[i].junction_index = next++;
        }
      }
    }
  }

  // --- signals: one per junction whose connections name a traffic light
  std::vector<std::vector<std::size_t>> junction_conns(junctions.size());
  for (std::size_t i = 0; i < conns.size(); ++i) junction_conns[conns[i].junction].push_back(i);
  std::unordered_map<std::string, Program> programs;  // by tl id, read once
  for (std::size_t j = 0; j < junctions.size(); ++j) {
    const Connection* controlled = nullptr;
    for (const std::size_t i : junction_conns[j]) {
      const Connection& c = conns[i];
      if (c.tl.empty()) continue;
      if (controlled == nullptr) {
        controlled = &c;
      } else if (c.tl != controlled->tl) {
        f.fail(c.node, c.what, "junction is controlled by two traffic lights",
               fmt::format("tl {} like the junction's other connections", quoted(controlled->tl)),
               quoted(c.tl));
      }
    }
    if (controlled == nullptr) continue;
    auto program = programs.find(controlled->tl);
    if (program == programs.end() && tl_added.count(controlled->tl) != 0) {
      const auto& [af, node] = tl_added.at(controlled->tl);
      program = programs.emplace(controlled->tl, read_program(*af, node)).first;
    }
    if (program == programs.end()) {
      const auto logic = tl_logic.find(controlled->tl);
      if (logic == tl_logic.end()) {
        f.fail(controlled->node, controlled->what, "unknown traffic light in 'tl'",
               "the id of a <tlLogic> in this network", quoted(controlled->tl));
      }
      program = programs.emplace(controlled->tl, read_program(f, logic->second)).first;
    }
    net.junction_signal[j] = static_cast<Index>(net.signal_count());
    net.signal_junction.push_back(static_cast<Index>(j));
    net.signal_phase_begin.push_back(static_cast<Index>(net.phases.size()));
    const Program& plan = program->second;
    for (std::size_t p = 0; p < plan.durations.size(); ++p) {
      net.phases.push_back(
          {plan.durations[p], phase_kind_of(plan.states[p]), plan.min_s[p], plan.max_s[p]});
    }
    net.signal_max_gap_s.push_back(plan.max_gap_s);
    net.signal_detector_gap_s.push_back(plan.detector_gap_s);
  }
  net.signal_phase_begin.push_back(static_cast<Index>(net.phases.size()));
  if (std::none_of(net.signal_max_gap_s.begin(), net.signal_max_gap_s.end(),
                   [](double g) { return g > 0.0; })) {
    net.signal_max_gap_s.clear();  // no actuated signal
    net.signal_detector_gap_s.clear();
  }
  for (const auto& [id, at] : tl_added) {
    if (programs.count(id) == 0) {
      at.first->fail(at.second, "tlLogic " + quoted(id),
                     "signal program for a traffic light no junction of the network has",
                     "the id of a traffic light named by the network's connections ('tl')",
                     quoted(id));
    }
  }

  // --- movements (one per connection, file order) and their green phases
  for (const Connection& c : conns) {
    net.movement_junction.push_back(c.junction);
    net.movement_from_road.push_back(c.from_road);
    net.movement_to_road.push_back(c.to_road);
    net.movement_turn.push_back(c.turn);
    std::uint64_t green = 0;
    // Minor: a lower-case state (MSLink::havePriority is false): the junction's static one,
    // or where a light controls the link, the light's state in each phase.
    std::uint64_t minor = c.major ? 0 : ~std::uint64_t{0};
    const Index signal = net.junction_signal[c.junction];
    if (signal != kNone) {
      const auto phases = net.signal_phases(signal).size();
      if (c.tl.empty()) {
        // Not controlled by the junction's light (netconvert --tls.uncontrolled-within):
        // never stopped by it; right of way alone decides.
        green = phases == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << phases) - 1;
      } else {
        minor = 0;
        const Program& program = programs.at(c.tl);
        const std::size_t width = program.states.front().size();
        if (static_cast<std::size_t>(c.link_index) >= width) {
          f.fail(c.node, c.what, "linkIndex beyond the traffic light's state",
                 fmt::format("0..{} (links of tlLogic {})", width - 1, quoted(c.tl)),
                 std::to_string(c.link_index));
        }
        for (std::size_t p = 0; p < program.states.size(); ++p) {
          const char s = program.states[p][static_cast<std::size_t>(c.link_index)];
          if (kGoStates.find(s) != std::string_view::npos) green |= std::uint64_t{1} << p;
          if (s == 'g' || s == 'o' || s == 's') minor |= std::uint64_t{1} << p;
        }
      }
    }
    net.movement_green_phases.push_back(green);
    net.movement_minor_phases.push_back(minor);
  }
  // A phase whose greens are all always-green links clears the junction like an all-red.
  traffic::mark_clearance_phases(net, traffic::PhaseKind::all_red);

  // --- links grouped by start lane (stable: file order among a lane's links)
  std::vector<std::size_t> order(conns.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return conns[a].from_lane < conns[b].from_lane;
  });
  std::vector<Index> link_of(conns.size());
  for (std::size_t k = 0; k < order.size(); ++k) link_of[order[k]] = static_cast<Index>(k);
  const std::size_t L = net.lane_count();
  net.lane_links_begin.assign(L + 1, 0);
  for (const Connection& c : conns) ++net.lane_links_begin[c.from_lane + 1];
  for (std::size_t l = 0; l < L; ++l) net.lane_links_begin[l + 1] += net.lane_links_begin[l];
  net.movement_route_cost_s.assign(conns.size(), 0.0);
  net.sumo_junctions = true;
  for (const std::size_t i : order) {
    const Connection& c = conns[i];
    net.link_from_lane.push_back(c.from_lane);
    net.link_to_lane.push_back(c.to_lane);
    net.link_movement.push_back(static_cast<Index>(i));
    net.link_keep_clear.push_back(c.keep_clear ? 1 : 0);
    net.link_zipper.push_back(c.zipper ? 1 : 0);
    std::vector<geo::Vec2> points;
    double length = 0.0;
    // SUMO's minimum routing cost of the crossing: its internal lanes' length over speed,
    // plus --weights.minor-penalty (1.5 s by default in SUMO 1.15) on a minor link (a
    // state that is not an upper-case letter, MSLink::havePriority).
    double route_cost = c.major ? 0.0 : sumo::kMinorPenalty_s;
    double speed =
        std::min(net.seg_speed_limit_mps[c.from_lane], net.seg_speed_limit_mps[c.to_lane]);
    double wait = 0.0;  // where the internal lanes pass an internal junction (0: they do not)
    if (c.via.empty()) {
      points = {net.seg_shape[c.from_lane].points().back(),
                net.seg_shape[c.to_lane].points().front()};
      length = std::max(geo::distance(points[0], points[1]), kMinLinkLength);
      if (points[0] == points[1]) points[1] = points[1] + geo::Vec2{kMinLinkLength, 0.0};
    } else {
      // Follow the internal lanes: via, then each internal connection's via, until one leads
      // straight onto the target lane. Their count is bounded by the junction's lanes.
      speed = sumo::kForever;
      std::string lane = c.via;
      const std::string to = net.road_id[c.to_road];
      for (std::size_t step = 0; !lane.empty(); ++step) {
        if (step > internal_lanes.size()) {
          f.fail(c.node, c.what, "internal lanes of the connection form a cycle",
                 "a chain of internal lanes ending on the 'to' lane", quoted(lane));
        }
        const InternalLane& il = internal_lanes.at(lane);
        if (step > 0 && wait == 0.0 && internal_junctions.count(lane) != 0) wait = length;
        length += il.length;
        speed = std::min(speed, il.speed);
        route_cost += il.length / il.speed;
        for (const geo::Vec2 p : il.shape) {
          if (points.empty() || !(points.back() == p)) points.push_back(p);
        }
        const auto next = internal_via.find(connection_key(il.edge, il.index, to, c.to_sumo));
        lane = next == internal_via.end() ? std::string() : next->second;
        if (!lane.empty() && internal_lanes.count(lane) == 0) {
          f.fail(c.node, c.what, "unknown internal lane in the connection's chain",
                 "a lane of an internal edge", quoted(lane));
        }
      }
      if (points.size() < 2) points.push_back(points.back() + geo::Vec2{kMinLinkLength, 0.0});
    }
    net.link_wait_m.push_back(wait);
    net.seg_length_m.push_back(length);
    net.seg_speed_limit_mps.push_back(speed);
    net.seg_shape.add(points);
    net.movement_route_cost_s[i] = route_cost;
  }
  if (std::all_of(net.link_wait_m.begin(), net.link_wait_m.end(),
                  [](double w) { return w == 0.0; })) {
    net.link_wait_m.clear();
  }
  if (std::all_of(net.link_zipper.begin(), net.link_zipper.end(),
                  [](std::uint8_t z) { return z == 0; })) {
    net.link_zipper.clear();
  }

  // --- right of way: link k yields to the links whose bit is set in its request's response
  // (the string's last character is junction index 0).
  net.link_yield_begin.assign(conns.size() + 1, 0);
  {
    std::vector<std::vector<Index>> by_index(junctions.size());  // junction index -> link
    for (std::size_t i = 0; i < conns.size(); ++i) {
      const Connection& c = conns[i];
      if (c.junction_index == kNone) continue;
      auto& v = by_index[c.junction];
      if (v.size() <= c.junction_index) v.resize(c.junction_index + 1, kNone);
      v[c.junction_index] = link_of[i];
    }
    std::vector<std::vector<Index>> yields(conns.size());
    for (std::size_t i = 0; i < conns.size(); ++i) {
      const Connection& c = conns[i];
      const Junction& jr = junctions[c.junction];
      if (c.junction_index == kNone || c.junction_index >= jr.requests.size()) continue;
      const pugi::xml_node r = jr.requests[c.junction_index];
      if (!r) continue;
      const std::string rw = fmt::format("junction {} request {}",
                                         quoted(net.junction_id[c.junction]), c.junction_index);
      const std::string response = f.text(r, "response", rw);
      std::vector<Index>& out = yields[link_of[i]];
      for (std::size_t pos = 0; pos < response.size(); ++pos) {
        const char bit = response[pos];
        if (bit != '0' && bit != '1') {
          f.fail(r, rw, "response must be a bit string", "only '0' and '1'", quoted(response));
        }
        const std::size_t index = response.size() - 1 - pos;
        const auto& v = by_index[c.junction];
        if (bit != '1' || index >= v.size() || v[index] == kNone) continue;
        // The links of a zipper merge yield to each other in SUMO's matrix; parktwin has them
        // take turns by who is nearer the merge instead (merge_leader).
        if (net.zipper(link_of[i]) && net.zipper(v[index])) continue;
        out.push_back(v[index]);
      }
      std::sort(out.begin(), out.end());
    }
    for (std::size_t k = 0; k < yields.size(); ++k) {
      net.link_yield_begin[k + 1] = net.link_yield_begin[k] + static_cast<Index>(yields[k].size());
      net.link_yield_to.insert(net.link_yield_to.end(), yields[k].begin(), yields[k].end());
    }
  }

  // Induction loops (SUMO's e1 detectors) of the additional files: parktwin's loop detectors.
  for (const auto& af : additional) {
    for (pugi::xml_node d = af->root().first_child(); d; d = d.next_sibling()) {
      const std::string_view tag = d.name();
      if (tag != "inductionLoop" && tag != "e1Detector") continue;
      const std::string id = af->text(d, "id", std::string(tag));
      const std::string what = fmt::format("{} {}", tag, quoted(id));
      const std::string lane_id = af->text(d, "lane", what);
      const auto lane = normal_lane.find(lane_id);
      if (lane == normal_lane.end()) {
        af->fail(d, what, "unknown lane in 'lane'", "a lane id of the network", quoted(lane_id));
      }
      const auto [road, sumo_index] = lane->second;
      const Index ours = net.road_first_lane[road] + net.road_lane_count[road] - 1 -
                         static_cast<Index>(sumo_index);
      const double length = net.seg_length_m[ours];
      double pos = af->number(d, "pos", what);
      if (pos < 0.0) pos += length;  // SUMO: negative positions count from the lane's end
      if (!(pos >= 0.0 && pos <= length)) {
        if (std::string_view(d.attribute("friendlyPos").value()) != "true") {
          af->fail(d, what, "position outside its lane",
                   fmt::format("0..{} m (or friendlyPos=\"true\")", length),
                   fmt::format("{} m", af->number(d, "pos", what)));
        }
        pos = std::clamp(pos, 0.0, length);  // friendlyPos: SUMO moves it onto the lane
      }
      net.detector_id.push_back(id);
      net.detector_lane.push_back(ours);
      net.detector_pos_m.push_back(pos);
    }
  }
  traffic::validate(net, path);
  return net;
}

}  // namespace parktwin::scenarios

// SUMO route file import (.rou.xml, .trips.xml): see sumo.h.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/rng.h"
#include "scenarios/sumo/sumo.h"
#include "scenarios/sumo/sumo_xml.h"
#include "sim/traffic/routing.h"

namespace parktwin::scenarios {

using traffic::Index;
using traffic::kNone;

namespace {

using sumo::has_attr;
using sumo::quoted;
using sumo::vehicle_class_bit;
using sumo::XmlFile;

// SUMO 1.15's defaults by vehicle class ("Vehicle Type Parameter Defaults"; checked against
// sumo 1.15.0 through TraCI). Classes we have no use for yet (pedestrians, rail, ships) are
// refused.
struct ClassDefaults {
  const char* vclass;
  traffic::VehicleClass ours;
  double accel, decel, emergency_decel, length, min_gap, max_speed, width, speed_dev;
};
constexpr ClassDefaults kClasses[] = {
    {"passenger", traffic::VehicleClass::car, 2.6, 4.5, 9.0, 5.0, 2.5, 200 / 3.6, 1.8, 0.1},
    {"private", traffic::VehicleClass::car, 2.6, 4.5, 9.0, 5.0, 2.5, 200 / 3.6, 1.8, 0.1},
    {"taxi", traffic::VehicleClass::car, 2.6, 4.5, 9.0, 5.0, 2.5, 200 / 3.6, 1.8, 0.05},
    {"emergency", traffic::VehicleClass::car, 2.6, 4.5, 9.0, 6.5, 2.5, 200 / 3.6, 2.16, 0.0},
    {"authority", traffic::VehicleClass::car, 2.6, 4.5, 9.0, 5.0, 2.5, 200 / 3.6, 1.8, 0.0},
    {"army", traffic::VehicleClass::car, 2.6, 4.5, 9.0, 5.0, 2.5, 200 / 3.6, 1.8, 0.0},
    {"vip", traffic::VehicleClass::car, 2.6, 4.5, 9.0, 5.0, 2.5, 200 / 3.6, 1.8, 0.1},
    {"hov", traffic::VehicleClass::car, 2.6, 4.5, 9.0, 5.0, 2.5, 200 / 3.6, 1.8, 0.1},
    {"custom1", traffic::VehicleClass::car, 2.6, 4.5, 9.0, 5.0, 2.5, 200 / 3.6, 1.8, 0.1},
    {"custom2", traffic::VehicleClass::car, 2.6, 4.5, 9.0, 5.0, 2.5, 200 / 3.6, 1.8, 0.1},
    {"evehicle", traffic::VehicleClass::car, 2.6, 4.5, 9.0, 5.0, 2.5, 200 / 3.6, 1.8, 0.1},
    {"delivery", traffic::VehicleClass::car, 2.6, 4.5, 9.0, 6.5, 2.5, 200 / 3.6, 2.16, 0.05},
    {"motorcycle", traffic::VehicleClass::car, 6.0, 10.0, 10.0, 2.2, 2.5, 200 / 3.6, 0.9, 0.1},
    {"moped", traffic::VehicleClass::car, 1.1, 7.0, 10.0, 2.1, 2.5, 60 / 3.6, 0.78, 0.1},
    {"bicycle", traffic::VehicleClass::car, 1.2, 3.0, 7.0, 1.6, 0.5, 50 / 3.6, 0.65, 0.1},
    {"bus", traffic::VehicleClass::bus, 1.2, 4.0, 7.0, 12.0, 2.5, 100 / 3.6, 2.5, 0.0},
    {"coach", traffic::VehicleClass::bus, 2.0, 4.0, 7.0, 14.0, 2.5, 100 / 3.6, 2.6, 0.05},
    {"truck", traffic::VehicleClass::truck, 1.3, 4.0, 7.0, 7.1, 2.5, 130 / 3.6, 2.4, 0.05},
    {"trailer", traffic::VehicleClass::truck, 1.1, 4.0, 7.0, 16.5, 2.5, 130 / 3.6, 2.55, 0.05},
};
constexpr const char* kDefaultType = "DEFAULT_VEHTYPE";

// Members with weights, drawn by a uniform number in [0, 1): a vTypeDistribution's types, a
// routeDistribution's routes.
template <class T>
struct Weighted {
  std::vector<T> members;
  std::vector<double> cumulative;  // running sums of the weights
  double total = 0.0;

  void add(const T& member, double weight) {
    total += weight;
    members.push_back(member);
    cumulative.push_back(total);
  }
  const T& at(double u) const {
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u * total);
    return members[std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()),
                                         members.size() - 1)];
  }
};
// The generator's stream for drawing vehicle types from a <vTypeDistribution>.
constexpr rng::StreamId kTypeDrawStream = 0x74797065;  // "type"
// ... and for the departures of random flows (probability, period="exp(..)").
constexpr rng::StreamId kFlowDrawStream = 0x666c6f77;  // "flow"
// ... and for the routes of a <routeDistribution>.
constexpr rng::StreamId kRouteDrawStream = 0x726f7574;  // "rout"
// SUMO's default Krauss parameters, the same for every class above.
constexpr double kDefaultTau = 1.0;
constexpr double kDefaultSigma = 0.5;

struct TypeRead {
  traffic::VehicleType type;
  SumoTypeParams params;
};

// A speedFactor is a number or a distribution "norm(mean, dev)" / "normc(mean, dev, min, max)".
void read_speed_factor(const XmlFile& f, pugi::xml_node v, const std::string& what,
                       SumoTypeParams& p) {
  const std::string s = v.attribute("speedFactor").value();
  double value = 0.0;
  if (sumo::parse_number(s, value)) {
    p.speed_factor = value;
    p.speed_dev = 0.0;  // a plain number fixes the factor (speedDev may set it again below)
    return;
  }
  const std::size_t open = s.find('(');
  const std::string name = s.substr(0, open);
  std::vector<double> args;
  if (open != std::string::npos && s.back() == ')' && (name == "norm" || name == "normc")) {
    std::string_view inner(s);
    inner = inner.substr(open + 1, inner.size() - open - 2);
    std::size_t start = 0;
    for (std::size_t i = 0; i <= inner.size(); ++i) {
      if (i == inner.size() || inner[i] == ',') {
        double a = 0.0;
        if (!sumo::parse_number(inner.substr(start, i - start), a)) break;
        args.push_back(a);
        start = i + 1;
      }
    }
  }
  if (args.size() < 2) {
    f.fail(v, what, "speedFactor is not a number or normal distribution",
           "a number, norm(mean,dev) or normc(mean,dev,min,max)", quoted(s));
  }
  p.speed_factor = args[0];
  p.speed_dev = args[1];
  if (args.size() >= 4) {
    p.speed_factor_min = args[2];
    p.speed_factor_max = args[3];
  }
}

TypeRead read_type(const XmlFile& f, pugi::xml_node v, const std::string& id) {
  const std::string what = "vType " + quoted(id);
  const std::string vclass = has_attr(v, "vClass") ? v.attribute("vClass").value() : "passenger";
  const ClassDefaults* cls = nullptr;
  for (const ClassDefaults& c : kClasses) {
    if (vclass == c.vclass) cls = &c;
  }
  if (cls == nullptr) {
    f.fail(v, what, "unsupported vehicle class",
           "a road vehicle class (passenger, taxi, delivery, bus, coach, truck, trailer, ...)",
           quoted(vclass));
  }
  TypeRead r;
  traffic::VehicleType& t = r.type;
  t.name = id;
  t.vclass = cls->ours;
  t.access_class = static_cast<std::uint8_t>(vehicle_class_bit(vclass));
  const double accel = f.number_or(v, "accel", what, cls->accel);
  const double decel = f.number_or(v, "decel", what, cls->decel);
  // SUMO: emergencyDecel defaults to the class value, but never below decel.
  const double emergency =
      f.number_or(v, "emergencyDecel", what, std::max(cls->emergency_decel, decel));
  t.max_accel_mps2 = accel;
  t.usual_accel_mps2 = accel;
  t.usual_decel_mps2 = decel;
  t.max_decel_mps2 = emergency;
  t.length_m = f.number_or(v, "length", what, cls->length);
  t.width_m = f.number_or(v, "width", what, cls->width);
  t.min_gap_m = f.number_or(v, "minGap", what, cls->min_gap);
  t.max_speed_mps = f.number_or(v, "maxSpeed", what, cls->max_speed);
  t.headway_s = f.number_or(v, "tau", what, kDefaultTau);

  SumoTypeParams& p = r.params;
  p.id = id;
  p.vclass = vclass;
  if (has_attr(v, "carFollowModel")) p.car_follow_model = v.attribute("carFollowModel").value();
  p.sigma = f.number_or(v, "sigma", what, kDefaultSigma);
  p.speed_dev = cls->speed_dev;
  if (has_attr(v, "speedFactor")) read_speed_factor(f, v, what, p);
  p.speed_dev = f.number_or(v, "speedDev", what, p.speed_dev);

  auto positive = [&](const char* key, double value) {
    if (!(value > 0.0)) {
      f.fail(v, what, fmt::format("{} must be positive", key), "> 0", fmt::format("{}", value));
    }
  };
  auto non_negative = [&](const char* key, double value) {
    if (value < 0.0) {
      f.fail(v, what, fmt::format("{} must not be negative", key), ">= 0",
             fmt::format("{}", value));
    }
  };
  // The longitudinal model: SUMO's Krauss family maps to our Krauss, IDM to IDM; anything
  // else is refused rather than silently driven by another model.
  const std::string& cfm = p.car_follow_model;
  if (cfm == "Krauss" || cfm == "KraussOrig1" || cfm == "KraussPS") {
    t.model = traffic::CarFollowing::krauss;
  } else if (cfm == "IDM") {
    t.model = traffic::CarFollowing::idm;
  } else {
    f.fail(v, what, "unsupported carFollowModel", "Krauss, KraussOrig1, KraussPS or IDM",
           quoted(cfm));
  }
  t.sigma = p.sigma;
  t.speed_factor_mean = p.speed_factor;
  t.speed_factor_dev = p.speed_dev;
  t.speed_factor_min = p.speed_factor_min;
  t.speed_factor_max = p.speed_factor_max;
  positive("accel", accel);
  positive("decel", decel);
  positive("emergencyDecel", emergency);
  positive("length", t.length_m);
  positive("width", t.width_m);
  positive("maxSpeed", t.max_speed_mps);
  positive("speedFactor", p.speed_factor);
  non_negative("minGap", t.min_gap_m);
  non_negative("tau", t.headway_s);
  non_negative("speedDev", p.speed_dev);
  if (p.sigma < 0.0 || p.sigma > 1.0) {
    f.fail(v, what, "sigma out of range", "0..1", fmt::format("{}", p.sigma));
  }
  return r;
}

// Elements that would change what vehicles do and that we cannot represent yet.
void refuse_children(const XmlFile& f, pugi::xml_node n, const std::string& what) {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    const std::string_view name = c.name();
    if (name == "route" || name == "param" || name == "stop") continue;
    f.fail(c, what, fmt::format("<{}> is not supported", name),
           "<route>, <stop> or <param> children", fmt::format("<{}>", name));
  }
}

// SUMO's default stop window: a vehicle has reached its stop once it stands with its front
// within 2 POSITION_EPS of the end position (MSStop's startPos default, endPos - 0.2 m).
constexpr double kStopReach_m = 0.2;

class RoutesReader {
 public:
  // Departures in [begin_s, begin_s + horizon_s) are kept, shifted to start at 0.
  RoutesReader(const traffic::Network& net, double begin_s, double horizon_s)
      : net_(net), router_(net), begin_s_(begin_s), end_s_(begin_s + horizon_s) {
    for (std::size_t r = 0; r < net.road_count(); ++r) {
      road_of_.emplace(net.road_id[r], static_cast<Index>(r));
    }
  }

  // Reads one file; types, distributions and routes stay known to the files read after it.
  // An additional file (root <additional>) may hold only vTypes, vTypeDistributions and
  // routes; anything else in it is refused, naming the element.
  void read(const XmlFile& f, bool additional) {
    f_ = &f;
    const pugi::xml_node root = f_->root();
    const char* expected_root = additional ? "additional" : "routes";
    if (std::string_view(root.name()) != expected_root) {
      f_->fail(root, "",
               additional ? "SUMO XML file is not an additional file"
                          : "SUMO XML file is not a route file",
               fmt::format("root element <{}>", expected_root), fmt::format("<{}>", root.name()));
    }
    // Types and named routes first, so that vehicles may use them wherever they are defined.
    for (pugi::xml_node n = root.child("vType"); n; n = n.next_sibling("vType")) {
      const std::string id = f_->text(n, "id", "vType");
      if (type_of_.count(id) != 0) {
        f_->fail(n, "vType " + quoted(id), "duplicate vType id", "a unique id", quoted(id));
      }
      add_type(read_type(*f_, n, id));
      if (has_attr(n, "probability")) {
        root_probability_[id] = f_->number(n, "probability", "vType " + quoted(id));
      }
    }
    for (pugi::xml_node n = root.child("vTypeDistribution"); n;
         n = n.next_sibling("vTypeDistribution")) {
      read_distribution(n);
    }
    for (const char* tag : {"busStop", "trainStop"}) {
      for (pugi::xml_node n = root.child(tag); n; n = n.next_sibling(tag)) {
        read_stopping_place(n);
      }
    }
    for (pugi::xml_node n = root.child("route"); n; n = n.next_sibling("route")) {
      const std::string id = f_->text(n, "id", "route");
      const std::string what = "route " + quoted(id);
      if (named_route_.count(id) != 0) {
        f_->fail(n, what, "duplicate route id", "a unique id", quoted(id));
      }
      named_route_.emplace(id, read_route(n, what));
    }
    for (pugi::xml_node n = root.child("routeDistribution"); n;
         n = n.next_sibling("routeDistribution")) {
      read_route_distribution(n);
    }
    for (pugi::xml_node n = root.first_child(); n; n = n.next_sibling()) {
      if (n.type() != pugi::node_element) continue;
      const std::string_view name = n.name();
      if (name == "vType" || name == "vTypeDistribution" || name == "route" ||
          name == "routeDistribution" || name == "param" || name == "busStop" ||
          name == "trainStop") {
        continue;
      }
      // Read with the network (import_sumo_net): signal programs and induction loops.
      if (additional && (name == "tlLogic" || name == "inductionLoop" || name == "e1Detector")) {
        continue;
      }
      ++element_;  // the draws of a vehicle or flow are keyed by its place in the files
      if (additional) {
        f_->fail(n, fmt::format("<{}>", name), "element of an additional file is not supported",
                 "<vType>, <vTypeDistribution>, <route>, <tlLogic>, <inductionLoop>, "
                 "<e1Detector>, <busStop> or <trainStop> (vehicles belong in route files)",
                 fmt::format("<{}>", name));
      }
      if (name == "vehicle") {
        read_single(n, "vehicle", false);
      } else if (name == "trip") {
        read_single(n, "trip", true);
      } else if (name == "flow") {
        read_flow(n);
      } else {
        f_->fail(n, fmt::format("<{}>", name), "element is not supported",
                 "<vType>, <vTypeDistribution>, <route>, <vehicle>, <trip> or <flow>",
                 fmt::format("<{}>", name));
      }
    }
  }

  // The trips of every file read, by departure; ties keep file order (flows: their vehicles
  // in order). `path` names the demand in the validation's errors.
  SumoDemand finish(const std::string& path) {
    std::stable_sort(pending_.begin(), pending_.end(),
                     [](const Pending& a, const Pending& b) { return a.depart_s < b.depart_s; });
    const bool any_stops = !stop_pool_.empty();
    if (any_stops) out_.demand.stops_begin.push_back(0);
    for (Pending& p : pending_) {
      out_.demand.trips.push_back({p.depart_s, p.type, p.route.first, p.route.second, p.how.speed,
                                   p.how.lane, p.at_departure, p.how.pos, p.how.pos_m,
                                   p.how.arrival, p.how.arrival_m, p.how.arrival_lane});
      out_.demand.trip_id.push_back(std::move(p.id));
      if (any_stops) {
        const auto first = stop_pool_.begin() + p.stops.first;
        out_.demand.stops.insert(out_.demand.stops.end(), first, first + p.stops.second);
        out_.demand.stops_begin.push_back(static_cast<Index>(out_.demand.stops.size()));
      }
    }
    traffic::validate(out_.demand, net_, path);
    return std::move(out_);
  }

 private:
  using Route = std::pair<Index, Index>;  // begin, length in route_roads
  // A route, or a <routeDistribution> to draw one from for each vehicle.
  struct RouteRef {
    Route route{};
    std::size_t distribution = kNoDistribution;
    // From/to without via: SUMO routes it again at departure on the travel times then.
    bool at_departure = false;
  };
  static constexpr std::size_t kNoDistribution = ~std::size_t{0};
  using RouteDistribution = Weighted<Route>;

  // departLane / departSpeed as read (traffic::Trip).
  struct Entry {
    float speed = 0.0f;
    std::int16_t lane = traffic::kDepartLaneBest;
    traffic::DepartPos pos = traffic::DepartPos::base;
    float pos_m = 0.0f;
    traffic::ArrivalPos arrival = traffic::ArrivalPos::max;
    float arrival_m = 0.0f;
    std::int16_t arrival_lane = traffic::kArrivalLaneCurrent;
  };

  // The shortest lane of `road`: a position must lie on every lane of it.
  double shortest_lane_m(Index road) const {
    double shortest = std::numeric_limits<double>::infinity();
    for (int k = 0; k < net_.road_lane_count[road]; ++k) {
      shortest = std::min(shortest, net_.seg_length_m[net_.road_first_lane[road] + k]);
    }
    return shortest;
  }
  struct Pending {
    double depart_s;
    Index type;
    Route route;
    std::string id;
    Entry how;
    bool at_departure;                    // traffic::Trip::route_at_departure
    std::pair<Index, Index> stops{0, 0};  // begin, count in stop_pool_
  };

  // A <stop> as read, before it is placed on a route: on `road`, `lane` (kNone: any lane).
  struct RawStop {
    Index road = kNone;
    Index lane = kNone;
    double start_m = 0.0, end_m = 0.0, duration_s = 0.0, until_s = -1.0;
  };
  // A <busStop> / <trainStop> of an additional file.
  struct StoppingPlace {
    Index lane = kNone;
    double start_m = 0.0, end_m = 0.0;
  };

  // A lane of the network by SUMO id ("edge_index", SUMO counting from the right); kNone if
  // there is none.
  Index lane_by_id(const std::string& id) const {
    const std::size_t cut = id.rfind('_');
    if (cut == std::string::npos) return kNone;
    const auto road = road_of_.find(id.substr(0, cut));
    double k = 0.0;
    if (road == road_of_.end() || !sumo::parse_number(id.substr(cut + 1), k) ||
        k != std::floor(k) || k < 0 || k >= net_.road_lane_count[road->second]) {
      return kNone;
    }
    return net_.road_first_lane[road->second] + net_.road_lane_count[road->second] - 1 -
           static_cast<Index>(k);
  }

  // A position attribute on `lane`: metres from its start, negative from its end, within it.
  double lane_position(pugi::xml_node n, const std::string& what, const char* attr, Index lane,
                       double fallback) {
    const double length = net_.seg_length_m[lane];
    const double x = f_->number_or(n, attr, what, fallback);
    if (!(std::abs(x) <= length)) {
      f_->fail(n, what, fmt::format("'{}' is not on the lane", attr),
               fmt::format("-{0:.2f} .. {0:.2f} m", length), fmt::format("{}", x));
    }
    return x < 0.0 ? length + x : x;
  }

  // <busStop id lane startPos endPos/> (and <trainStop>): where <stop busStop=".."> halts.
  void read_stopping_place(pugi::xml_node n) {
    const std::string id = f_->text(n, "id", n.name());
    const std::string what = fmt::format("{} {}", n.name(), quoted(id));
    const std::string lane_id = f_->text(n, "lane", what);
    StoppingPlace place;
    place.lane = lane_by_id(lane_id);
    if (place.lane == kNone) {
      f_->fail(n, what, "unknown lane", "a lane id of the network (edge_index)", quoted(lane_id));
    }
    place.start_m = lane_position(n, what, "startPos", place.lane, 0.0);
    place.end_m = lane_position(n, what, "endPos", place.lane, net_.seg_length_m[place.lane]);
    if (place.start_m > place.end_m) {
      f_->fail(n, what, "startPos after endPos", fmt::format("<= {} m", place.end_m),
               fmt::format("{} m", place.start_m));
    }
    if (!stopping_places_.emplace(id, place).second) {
      f_->fail(n, what, "duplicate stopping place id", "a unique id", quoted(id));
    }
  }

  // The <stop>s nested in a route, vehicle, trip or flow, in the order given.
  std::vector<RawStop> read_stops(pugi::xml_node n, const std::string& what) {
    std::vector<RawStop> out;
    for (pugi::xml_node c = n.child("stop"); c; c = c.next_sibling("stop")) {
      const std::string where = what + " stop";
      for (pugi::xml_attribute a = c.first_attribute(); a; a = a.next_attribute()) {
        static constexpr std::string_view kRead[] = {"busStop", "trainStop", "lane",  "startPos",
                                                     "endPos",  "duration",  "until", "friendlyPos",
                                                     "actType", "line",      "tripId"};
        if (std::find(std::begin(kRead), std::end(kRead), a.name()) == std::end(kRead)) {
          f_->fail(c, where, fmt::format("stop attribute '{}' is not supported", a.name()),
                   "busStop or trainStop, or lane with startPos/endPos; duration, until",
                   quoted(a.value()));
        }
      }
      RawStop s;
      const char* place_attr = has_attr(c, "busStop") ? "busStop" : "trainStop";
      if (has_attr(c, place_attr)) {
        const std::string id = c.attribute(place_attr).value();
        const auto it = stopping_places_.find(id);
        if (it == stopping_places_.end()) {
          f_->fail(c, where, fmt::format("unknown {}", place_attr),
                   fmt::format("a <{}> of an additional file", place_attr), quoted(id));
        }
        s.lane = it->second.lane;
        s.start_m = it->second.start_m;
        s.end_m = it->second.end_m;
      } else {
        const std::string lane_id = f_->text(c, "lane", where);
        s.lane = lane_by_id(lane_id);
        if (s.lane == kNone) {
          f_->fail(c, where, "unknown lane", "a lane id of the network (edge_index)",
                   quoted(lane_id));
        }
        s.end_m = lane_position(c, where, "endPos", s.lane, net_.seg_length_m[s.lane]);
        s.start_m =
            lane_position(c, where, "startPos", s.lane, std::max(0.0, s.end_m - kStopReach_m));
        if (s.start_m > s.end_m) {
          f_->fail(c, where, "startPos after endPos", fmt::format("<= {} m", s.end_m),
                   fmt::format("{} m", s.start_m));
        }
      }
      s.road = net_.lane_road[s.lane];
      if (!has_attr(c, "duration") && !has_attr(c, "until")) {
        f_->fail(c, where, "a stop needs a duration or an until time", "duration or until");
      }
      s.duration_s = f_->time_or(c, "duration", where, 0.0);
      if (!(s.duration_s >= 0.0) || !std::isfinite(s.duration_s)) {
        f_->fail(c, where, "duration out of range", ">= 0 s", fmt::format("{}", s.duration_s));
      }
      if (has_attr(c, "until")) {
        s.until_s = f_->time_or(c, "until", where, 0.0) - begin_s_;
        if (!std::isfinite(s.until_s)) {
          f_->fail(c, where, "until out of range", "a time", fmt::format("{}", s.until_s));
        }
      }
      out.push_back(s);
    }
    return out;
  }

  // Places `raw` on `route` in order: each at the first occurrence of its edge at or after the
  // one before.
  std::vector<traffic::TripStop> place_stops(pugi::xml_node n, const std::string& what,
                                             const std::vector<RawStop>& raw, Route route) {
    std::vector<traffic::TripStop> out;
    Index from = 0;
    for (const RawStop& r : raw) {
      Index k = from;
      while (k < route.second && out_.demand.route_roads[route.first + k] != r.road) ++k;
      if (k == route.second) {
        f_->fail(n, what, "a stop's edge is not on the route (after the stop before)",
                 "stops on edges of the route, in its order", quoted(net_.road_id[r.road]));
      }
      out.push_back({k, r.lane, r.start_m, r.end_m, r.duration_s, std::max(r.until_s, -1.0)});
      from = k;
    }
    return out;
  }

  // The stops of a vehicle on `route`: the route's own and the vehicle's, in route order, as a
  // range of stop_pool_ (shared by all vehicles of one element on one route).
  std::pair<Index, Index> stops_for(pugi::xml_node n, const std::string& what,
                                    const std::vector<RawStop>& own, Route route,
                                    bool at_departure) {
    const auto of_route = route_stops_.find(route.first);
    if (own.empty() && of_route == route_stops_.end()) return {0, 0};
    if (at_departure) {
      f_->fail(n, what, "stops on a trip routed when it departs are not supported",
               "a route, or 'via' edges");
    }
    if (const auto memo = element_stops_.find(route.first); memo != element_stops_.end()) {
      return memo->second;
    }
    std::vector<traffic::TripStop> all = place_stops(n, what, own, route);
    if (of_route != route_stops_.end()) {
      all.insert(all.end(), of_route->second.begin(), of_route->second.end());
      std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
        return a.route_index != b.route_index ? a.route_index < b.route_index
                                              : a.end_pos_m < b.end_pos_m;
      });
    }
    const std::pair<Index, Index> range{static_cast<Index>(stop_pool_.size()),
                                        static_cast<Index>(all.size())};
    stop_pool_.insert(stop_pool_.end(), all.begin(), all.end());
    element_stops_.emplace(route.first, range);
    return range;
  }

  // A position attribute (departPos, arrivalPos): one of SUMO's words in `named`, or metres
  // on the `edge` ("first", "last") edge, negative from its end, within its shortest lane,
  // read as kind `given`.
  template <class Kind>
  void read_position(pugi::xml_node n, const std::string& what, const char* attr,
                     std::initializer_list<std::pair<std::string_view, Kind>> named, Kind given,
                     const char* edge, double shortest, Kind& kind, float& metres) {
    if (!has_attr(n, attr)) return;
    const std::string v = n.attribute(attr).value();
    std::string words;
    for (const auto& [word, k] : named) {
      if (v == word) {
        kind = k;
        return;
      }
      words += fmt::format("{}, ", word);
    }
    double x = 0.0;
    if (sumo::parse_number(v, x) && std::abs(x) <= shortest) {
      kind = given;
      metres = static_cast<float>(x);
      return;
    }
    f_->fail(n, what, fmt::format("{} not supported or not on the {} edge", attr, edge),
             fmt::format("{}or a position from -{:.2f} to {:.2f} m (the {} edge's length)", words,
                         shortest, shortest, edge),
             quoted(v));
  }

  // SUMO's insertion and arrival attributes (Definition_of_Vehicles..., "departLane" ff.):
  // what parktwin models is read, the rest is an error naming the attribute.
  // Checked against every route the vehicle may take (its own, or each of a distribution's).
  Entry entry_of(pugi::xml_node n, const std::string& what, const RouteRef& ref) {
    Entry e;
    const std::span<const Route> routes =
        ref.distribution == kNoDistribution
            ? std::span<const Route>(&ref.route, 1)
            : std::span<const Route>(route_distributions_[ref.distribution].members);
    const auto first_road = [&](const Route& r) { return out_.demand.route_roads[r.first]; };
    const auto last_road = [&](const Route& r) {
      return out_.demand.route_roads[r.first + r.second - 1];
    };
    // The shortest lane of the first (last) roads: a position must lie on all of them.
    double first_shortest = std::numeric_limits<double>::infinity(), last_shortest = first_shortest;
    for (const Route& r : routes) {
      first_shortest = std::min(first_shortest, shortest_lane_m(first_road(r)));
      last_shortest = std::min(last_shortest, shortest_lane_m(last_road(r)));
    }
    if (has_attr(n, "departLane")) {
      const std::string v = n.attribute("departLane").value();
      // SUMO counts lanes from the right, parktwin from the left: one conversion for all.
      const int lanes = net_.road_lane_count[first_road(routes.front())];
      const bool same_lanes = std::all_of(routes.begin(), routes.end(), [&](const Route& r) {
        return net_.road_lane_count[first_road(r)] == lanes;
      });
      double k = 0.0;
      if (v == "best" || v == "random" || v == "free" || v == "allowed") {
        e.lane = traffic::kDepartLaneBest;  // one that leads on, drawn (documented in sumo.md)
      } else if (v == "first") {
        e.lane = traffic::kDepartLaneFirst;
      } else if (sumo::parse_number(v, k) && k == std::floor(k) && k >= 0 && k < lanes &&
                 same_lanes) {
        e.lane =
            static_cast<std::int16_t>(lanes - 1 - static_cast<int>(k));  // SUMO: from the right
      } else {
        f_->fail(n, what,
                 same_lanes ? "departLane not supported or not a lane of the first edge"
                            : "a departLane number needs first edges with one lane count",
                 fmt::format("best, first, random, free, allowed or 0..{}", lanes - 1), quoted(v));
      }
    }
    if (has_attr(n, "departSpeed")) {
      const std::string v = n.attribute("departSpeed").value();
      double x = 0.0;
      if (v == "max" || v == "desired") {
        e.speed = traffic::kDepartSpeedMax;
      } else if (v == "speedLimit") {
        e.speed = traffic::kDepartSpeedLimit;
      } else if (v == "random") {
        e.speed = traffic::kDepartSpeedRandom;
      } else if (v == "avg") {
        e.speed = traffic::kDepartSpeedAvg;
      } else if (v == "last") {
        e.speed = traffic::kDepartSpeedLast;
      } else if (sumo::parse_number(v, x) && x >= 0.0 && std::isfinite(x)) {
        e.speed = static_cast<float>(x);
      } else {
        f_->fail(n, what, "departSpeed not supported",
                 "a speed >= 0 m/s, max, desired, speedLimit, random, avg or last", quoted(v));
      }
    }
    using traffic::ArrivalPos, traffic::DepartPos;
    read_position<DepartPos>(n, what, "departPos",
                             {{"base", DepartPos::base},
                              {"random", DepartPos::random},
                              {"free", DepartPos::free},
                              {"random_free", DepartPos::random_free}},
                             DepartPos::given, "first", first_shortest, e.pos, e.pos_m);
    read_position<ArrivalPos>(
        n, what, "arrivalPos",
        {{"max", ArrivalPos::max}, {"random", ArrivalPos::random}, {"center", ArrivalPos::center}},
        ArrivalPos::given, "last", last_shortest, e.arrival, e.arrival_m);
    if (has_attr(n, "arrivalLane")) {
      const std::string v = n.attribute("arrivalLane").value();
      const int lanes = net_.road_lane_count[last_road(routes.front())];
      const bool same_lanes = std::all_of(routes.begin(), routes.end(), [&](const Route& r) {
        return net_.road_lane_count[last_road(r)] == lanes;
      });
      double k = 0.0;
      if (v == "current") {
        e.arrival_lane = traffic::kArrivalLaneCurrent;
      } else if (v == "random") {
        e.arrival_lane = traffic::kArrivalLaneRandom;
      } else if (v == "first") {
        e.arrival_lane = traffic::kArrivalLaneFirst;
      } else if (sumo::parse_number(v, k) && k == std::floor(k) && k >= 0 && k < lanes &&
                 same_lanes) {
        e.arrival_lane = static_cast<std::int16_t>(lanes - 1 - static_cast<int>(k));
      } else {
        f_->fail(n, what,
                 same_lanes ? "arrivalLane not supported or not a lane of the last edge"
                            : "an arrivalLane number needs last edges with one lane count",
                 fmt::format("current, random, first or 0..{}", lanes - 1), quoted(v));
      }
    }
    // SUMO's defaults are what parktwin does; anything else is refused, not ignored.
    const std::pair<const char*, std::vector<std::string_view>> defaults[] = {
        {"arrivalSpeed", {"current"}},
        {"departPosLat", {"center", "0"}},
        {"arrivalPosLat", {"center"}}};
    for (const auto& [key, accepted] : defaults) {
      if (!has_attr(n, key)) continue;
      const std::string_view v = n.attribute(key).value();
      if (std::find(accepted.begin(), accepted.end(), v) == accepted.end()) {
        f_->fail(n, what, fmt::format("'{}' other than SUMO's default is not supported (yet)", key),
                 fmt::format("{} or no {}", accepted.front(), key), quoted(v));
      }
    }
    return e;
  }

  Index add_type(TypeRead r) {
    const auto index = static_cast<Index>(out_.demand.types.size());
    type_of_.emplace(r.params.id, index);
    out_.demand.types.push_back(std::move(r.type));
    out_.type_params.push_back(std::move(r.params));
    return index;
  }

  // A vehicle's `type`: one vType, or a vTypeDistribution to draw from per vehicle.
  struct TypeRef {
    Index type = kNone;
    std::size_t distribution = 0;  // when type == kNone
  };

  TypeRef type(pugi::xml_node n, const std::string& what) {
    const std::string id = has_attr(n, "type") ? n.attribute("type").value() : kDefaultType;
    const auto it = type_of_.find(id);
    if (it != type_of_.end()) return {it->second};
    if (const auto d = distribution_of_.find(id); d != distribution_of_.end()) {
      return {kNone, d->second};
    }
    if (id == kDefaultType) {
      // SUMO's built-in default type: passenger car defaults.
      return {add_type(read_type(*f_, pugi::xml_node(), kDefaultType))};
    }
    f_->fail(n, what, "unknown vehicle type",
             "a vType or vTypeDistribution id of this file, or DEFAULT_VEHTYPE", quoted(id));
  }

  // The type of vehicle k of the current element: a distribution's member drawn with the
  // counter-based generator keyed by the distribution, the element's place in the file and
  // k, so that a vehicle's type depends on nothing else (not the horizon, not other draws).
  Index draw(const TypeRef& ref, std::uint64_t k) const {
    if (ref.type != kNone) return ref.type;
    return distributions_[ref.distribution].at(
        rng::uniform(ref.distribution, kTypeDrawStream, element_, k));
  }

  // A distribution member's weight, checked.
  double weight_of(pugi::xml_node at, const std::string& where, const char* kind, double w) {
    if (!(w >= 0.0) || !std::isfinite(w)) {
      f_->fail(at, where, fmt::format("a {}'s probability must be a finite number >= 0", kind),
               ">= 0", fmt::format("{}", w));
    }
    return w;
  }

  // The members a distribution names in attribute `list` ("vTypes", "routes"), weighted by its
  // `probabilities` or else by `fallback(name)`; `lookup(name)` finds one (nullptr: unknown).
  template <class T, class Lookup, class Fallback>
  void add_listed(pugi::xml_node n, const std::string& what, const char* list, const char* kind,
                  const char* tag, Weighted<T>& d, Lookup&& lookup, Fallback&& fallback) {
    const std::vector<std::string> named = sumo::split_ids(n.attribute(list).value());
    const bool weighted = has_attr(n, "probabilities");
    const std::vector<std::string> given = sumo::split_ids(n.attribute("probabilities").value());
    if (weighted && given.size() != named.size()) {
      f_->fail(n, what, fmt::format("'probabilities' does not match '{}'", list),
               fmt::format("{} numbers, one per {} in {}", named.size(), kind, list),
               std::to_string(given.size()));
    }
    for (std::size_t i = 0; i < named.size(); ++i) {
      const T* member = lookup(named[i]);
      if (member == nullptr) {
        f_->fail(n, what, fmt::format("unknown {} in '{}'", kind, list),
                 fmt::format("a {} id of this file", tag), quoted(named[i]));
      }
      double w = fallback(named[i]);
      if (weighted && !sumo::parse_number(given[i], w)) {
        f_->fail(n, what, "'probabilities' holds something that is not a number", "a number",
                 quoted(given[i]));
      }
      d.add(*member, weight_of(n, what, kind, w));
    }
  }

  template <class T>
  void check_weights(pugi::xml_node n, const std::string& what, const char* tag,
                     const char* members, const char* expected, const Weighted<T>& d) {
    if (d.members.empty()) f_->fail(n, what, fmt::format("{} has no {}", tag, members), expected);
    if (!(d.total > 0.0)) {
      f_->fail(n, what, fmt::format("{}'s probabilities are all 0", tag), "a positive sum", "0");
    }
  }

  // <vTypeDistribution id=".."> with nested <vType probability=".."> members and/or
  // vTypes="a b .." naming types of the file (weights: `probabilities`, else each type's own
  // `probability`, default 1), as SUMO 1.15 reads it.
  void read_distribution(pugi::xml_node n) {
    const std::string id = f_->text(n, "id", "vTypeDistribution");
    const std::string what = "vTypeDistribution " + quoted(id);
    if (type_of_.count(id) != 0 || distribution_of_.count(id) != 0) {
      f_->fail(n, what, "duplicate vType or vTypeDistribution id", "a unique id", quoted(id));
    }
    Distribution d;
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element || std::string_view(c.name()) == "param") continue;
      if (std::string_view(c.name()) != "vType") {
        f_->fail(c, what, fmt::format("<{}> is not supported", c.name()), "<vType> members",
                 fmt::format("<{}>", c.name()));
      }
      const std::string type_id = f_->text(c, "id", "vType");
      if (type_of_.count(type_id) != 0 || distribution_of_.count(type_id) != 0) {
        f_->fail(c, "vType " + quoted(type_id), "duplicate vType id", "a unique id",
                 quoted(type_id));
      }
      const std::string where = "vType " + quoted(type_id);
      const double w = weight_of(c, where, "type", f_->number_or(c, "probability", what, 1.0));
      d.add(add_type(read_type(*f_, c, type_id)), w);
    }
    add_listed(
        n, what, "vTypes", "vehicle type", "vType", d,
        [&](const std::string& name) {
          const auto it = type_of_.find(name);
          return it == type_of_.end() ? nullptr : &it->second;
        },
        [&](const std::string& name) {
          return root_probability_.count(name) != 0 ? root_probability_.at(name) : 1.0;
        });
    check_weights(n, what, "vTypeDistribution", "types", "nested <vType>s or 'vTypes'", d);
    distribution_of_.emplace(id, distributions_.size());
    distributions_.push_back(std::move(d));
  }

  Index road(pugi::xml_node n, const std::string& what, const std::string& id, const char* key) {
    const auto it = road_of_.find(id);
    if (it == road_of_.end()) {
      f_->fail(n, what, fmt::format("unknown edge in '{}'", key), "an edge id of the network",
               quoted(id));
    }
    return it->second;
  }

  bool connected(Index a, Index b) const {
    const Index first = net_.road_first_lane[a];
    for (Index l = first; l < first + net_.road_lane_count[a]; ++l) {
      if (net_.lane_reaches_road(l, b)) return true;
    }
    return false;
  }

  Route store(const std::vector<Index>& roads) {
    const auto begin = static_cast<Index>(out_.demand.route_roads.size());
    out_.demand.route_roads.insert(out_.demand.route_roads.end(), roads.begin(), roads.end());
    return {begin, static_cast<Index>(roads.size())};
  }

  // <route edges="..."> (named or nested).
  Route read_route(pugi::xml_node n, const std::string& what) {
    if (has_attr(n, "repeat") && n.attribute("repeat").as_int() != 0) {
      f_->fail(n, what, "repeated routes are not supported", "no 'repeat'",
               quoted(n.attribute("repeat").value()));
    }
    refuse_children(*f_, n, what);
    const std::vector<std::string> ids = sumo::split_ids(f_->text(n, "edges", what));
    if (ids.empty()) f_->fail(n, what, "route is empty", "at least one edge in 'edges'");
    std::vector<Index> roads;
    for (const std::string& id : ids) {
      const Index r = road(n, what, id, "edges");
      if (!roads.empty() && !connected(roads.back(), r)) {
        f_->fail(n, what, "consecutive edges of the route are not connected",
                 fmt::format("an edge reachable from {}", quoted(net_.road_id[roads.back()])),
                 quoted(id));
      }
      roads.push_back(r);
    }
    const Route route = store(roads);
    // A route's stops are made by every vehicle that takes it.
    if (const std::vector<RawStop> raw = read_stops(n, what); !raw.empty()) {
      route_stops_[route.first] = place_stops(n, what, raw, route);
    }
    return route;
  }

  // The route of vehicle k of the current element: a distribution's member drawn with the
  // counter-based generator keyed by the distribution, the element's place in the files and
  // k, as the type draws are.
  Route pick(const RouteRef& ref, std::uint64_t k) const {
    if (ref.distribution == kNoDistribution) return ref.route;
    return route_distributions_[ref.distribution].at(
        rng::uniform(ref.distribution, kRouteDrawStream, element_, k));
  }

  // <routeDistribution id="..">: nested <route>s with `probability` (default 1; an id makes
  // them named routes too) and/or `routes` naming routes, with `probabilities`.
  void read_route_distribution(pugi::xml_node n) {
    const std::string id = f_->text(n, "id", "routeDistribution");
    const std::string what = "routeDistribution " + quoted(id);
    if (named_route_.count(id) != 0 || route_distribution_of_.count(id) != 0) {
      f_->fail(n, what, "duplicate route or routeDistribution id", "a unique id", quoted(id));
    }
    RouteDistribution d;
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element || std::string_view(c.name()) == "param") continue;
      if (std::string_view(c.name()) != "route") {
        f_->fail(c, what, fmt::format("<{}> is not supported", c.name()), "<route> members",
                 fmt::format("<{}>", c.name()));
      }
      const std::string rid = c.attribute("id").value();
      const std::string where = rid.empty() ? what + " route" : "route " + quoted(rid);
      if (has_attr(c, "refId")) {
        f_->fail(c, where, "'refId' is not supported", "a route with 'edges'");
      }
      const Route r = read_route(c, where);
      if (!rid.empty()) {
        if (named_route_.count(rid) != 0) {
          f_->fail(c, where, "duplicate route id", "a unique id", quoted(rid));
        }
        named_route_.emplace(rid, r);
      }
      d.add(r, weight_of(c, where, "route", f_->number_or(c, "probability", where, 1.0)));
    }
    add_listed(
        n, what, "routes", "route", "route", d,
        [&](const std::string& name) {
          const auto it = named_route_.find(name);
          return it == named_route_.end() ? nullptr : &it->second;
        },
        [](const std::string&) { return 1.0; });
    check_weights(n, what, "routeDistribution", "routes", "nested <route>s or 'routes'", d);
    route_distribution_of_.emplace(id, route_distributions_.size());
    route_distributions_.push_back(std::move(d));
  }

  // The route of a vehicle or flow: attribute `route` (a route or a routeDistribution), a
  // nested <route>, or from/to(/via).
  RouteRef route_of(pugi::xml_node n, const std::string& what, bool may_route) {
    if (has_attr(n, "route")) {
      const std::string id = n.attribute("route").value();
      const auto it = named_route_.find(id);
      if (it != named_route_.end()) return {it->second};
      const auto dist = route_distribution_of_.find(id);
      if (dist == route_distribution_of_.end()) {
        f_->fail(n, what, "unknown route", "a route or routeDistribution id of this file",
                 quoted(id));
      }
      return {route_distributions_[dist->second].members.front(), dist->second};
    }
    if (const pugi::xml_node r = n.child("route")) return {read_route(r, what + " route")};
    if (may_route && has_attr(n, "from") && has_attr(n, "to")) {
      return {fastest(n, what), kNoDistribution, !has_attr(n, "via")};
    }
    f_->fail(
        n, what, "vehicle has no route",
        may_route ? "'route', a nested <route> or 'from' and 'to'" : "'route' or a nested <route>");
  }

  // from -> via... -> to at free flow.
  Route fastest(pugi::xml_node n, const std::string& what) {
    for (const char* key : {"fromJunction", "toJunction", "fromTaz", "toTaz"}) {
      if (has_attr(n, key)) {
        f_->fail(n, what, fmt::format("'{}' is not supported", key), "'from' and 'to' edges");
      }
    }
    std::vector<Index> stops = {road(n, what, f_->text(n, "from", what), "from")};
    for (const std::string& id : sumo::split_ids(n.attribute("via").value())) {
      stops.push_back(road(n, what, id, "via"));
    }
    stops.push_back(road(n, what, f_->text(n, "to", what), "to"));
    std::vector<Index> roads = {stops.front()};
    for (std::size_t s = 1; s < stops.size(); ++s) {
      const std::vector<Index> leg = router_.route(stops[s - 1], stops[s]);
      if (leg.empty()) {
        f_->fail(n, what, "no route between the trip's edges",
                 fmt::format("an edge reachable from {}", quoted(net_.road_id[stops[s - 1]])),
                 quoted(net_.road_id[stops[s]]));
      }
      roads.insert(roads.end(), leg.begin() + 1, leg.end());
    }
    return store(roads);
  }

  double depart(pugi::xml_node n, const std::string& what) {
    const std::string s = f_->text(n, "depart", what);
    double t = 0.0;
    if (s == "triggered" || s == "containerTriggered") {
      f_->fail(n, what, "departures triggered by persons or containers are not supported",
               "a departure time in seconds", quoted(s));
    }
    if (!sumo::parse_time(s, t)) {
      f_->fail(n, what, "departure is not a time", "seconds or [[d:]h:]m:s", quoted(s));
    }
    if (t < 0.0) f_->fail(n, what, "negative departure time", ">= 0 s", quoted(s));
    return t;
  }

  // <vehicle> (route given) and <trip> (from/to, routed here) differ only in that.
  void read_single(pugi::xml_node n, const char* tag, bool routed) {
    const std::string id = f_->text(n, "id", tag);
    const std::string what = std::string(tag) + " " + quoted(id);
    refuse_children(*f_, n, what);
    const double t = depart(n, what);
    const TypeRef ty = type(n, what);
    const RouteRef route = route_of(n, what, routed);
    const Entry how = entry_of(n, what, route);
    const std::vector<RawStop> own = read_stops(n, what);
    element_stops_.clear();
    if (t >= begin_s_ && t < end_s_) {
      const Route r = pick(route, 0);
      pending_.push_back({t - begin_s_, draw(ty, 0), r, id, how, route.at_departure,
                          stops_for(n, what, own, r, route.at_departure)});
    }
  }

  // Departures as SUMO 1.15 makes them (checked against sumo's tripinfo): equally spaced by
  // the period (vehsPerHour: 3600 / vehsPerHour) from begin while before end, or `number` of
  // them; `number` alone spreads them over [begin, end), end defaulting to the horizon as
  // SUMO's to the simulation end. Random flows as SUMO defines them
  // (https://sumo.dlr.de/docs/Simulation/Randomness.html#flows_with_a_random_number_of_vehicles):
  // `probability` p emits a vehicle in each second from begin with probability p, and
  // period="exp(r)" spaces them by exponential gaps of mean 1/r s (a Poisson process); both
  // until end, or until `number` have left. Their draws use the counter-based generator keyed
  // by the flow's place in the files (like the type draws): the same for every run seed.
  void read_flow(pugi::xml_node n) {
    const std::string id = f_->text(n, "id", "flow");
    const std::string what = "flow " + quoted(id);
    refuse_children(*f_, n, what);
    const double begin = f_->time_or(n, "begin", what, 0.0);
    const bool has_end = has_attr(n, "end");
    const double end = f_->time_or(n, "end", what, sumo::kForever);
    if (begin < 0.0) f_->fail(n, what, "negative begin", ">= 0 s", fmt::format("{}", begin));
    if (end < begin) {
      f_->fail(n, what, "flow ends before it begins", fmt::format("end >= begin {}", begin),
               fmt::format("{}", end));
    }
    std::optional<long long> number;
    if (has_attr(n, "number")) {
      number = f_->integer(n, "number", what);
      if (*number < 0) f_->fail(n, what, "negative number", ">= 0", std::to_string(*number));
    }
    const int rates = int{has_attr(n, "vehsPerHour")} + int{has_attr(n, "period")} +
                      int{has_attr(n, "probability")};
    if (rates > 1) {
      f_->fail(n, what, "conflicting flow rates", "one of vehsPerHour, period and probability",
               "more than one");
    }
    double period = 0.0;        // fixed spacing
    double probability = -1.0;  // per second; < 0: not a probability flow
    double exp_rate = -1.0;     // per second; < 0: not a Poisson flow
    if (has_attr(n, "vehsPerHour")) {
      const double vph = f_->number(n, "vehsPerHour", what);
      if (!(vph > 0.0)) {
        f_->fail(n, what, "vehsPerHour must be positive", "> 0", fmt::format("{}", vph));
      }
      period = 3600.0 / vph;
    } else if (has_attr(n, "probability")) {
      probability = f_->number(n, "probability", what);
      if (!(probability > 0.0 && probability <= 1.0)) {
        f_->fail(n, what, "probability out of range", "a probability per second in (0, 1]",
                 fmt::format("{}", probability));
      }
    } else if (has_attr(n, "period")) {
      const std::string s = n.attribute("period").value();
      if (s.rfind("exp(", 0) == 0) {
        double r = 0.0;
        if (s.back() != ')' || !sumo::parse_number(s.substr(4, s.size() - 5), r) || !(r > 0.0) ||
            !std::isfinite(r)) {
          f_->fail(n, what, "period=\"exp(..)\" needs a positive rate",
                   "exp(r) with r > 0 vehicles per second", quoted(s));
        }
        exp_rate = r;
      } else {
        period = f_->time(n, "period", what);
        if (!(period > 0.0)) {
          f_->fail(n, what, "period must be positive", "> 0 s", fmt::format("{}", period));
        }
      }
    }
    const bool random = probability > 0.0 || exp_rate > 0.0;
    long long count = 0;
    if (rates == 1) {
      if (number && has_end && !random) {
        f_->fail(n, what, "a flow with a rate takes 'end' or 'number', not both",
                 "one of end and number", "both");
      }
      if (number && !random) {
        count = *number;
      } else {
        // Vehicles before end (excluded, as in SUMO), or up to `number` of a random flow.
        const double last = std::min(end, end_s_);
        if (!std::isfinite(last)) {
          f_->fail(n, what, "flow without end needs a finite horizon", "'end' or 'number'");
        }
        const double n_vehicles = random ? std::ceil(last - begin) + 1.0  // at most one a second
                                         : std::ceil((last - begin) / period - 1e-9);
        if (!random && !(n_vehicles <= static_cast<double>(traffic::kMaxTrips))) {
          f_->fail(n, what, "too many trips",
                   fmt::format("at most {} trips in all", traffic::kMaxTrips),
                   fmt::format("{} from this flow", n_vehicles));
        }
        count = static_cast<long long>(std::min(n_vehicles, 1e12));
      }
    } else if (number) {
      const double until = has_end ? end : end_s_;
      if (!std::isfinite(until)) {
        f_->fail(n, what, "flow without end needs a finite horizon", "'end'");
      }
      count = *number;
      period = *number > 0 ? (until - begin) / static_cast<double>(*number) : 0.0;
    } else {
      f_->fail(n, what, "flow has no rate", "vehsPerHour, period, probability or number");
    }
    if (!random && static_cast<double>(pending_.size()) + static_cast<double>(count) >
                       static_cast<double>(traffic::kMaxTrips)) {
      f_->fail(n, what, "too many trips",
               fmt::format("at most {} trips in all", traffic::kMaxTrips),
               fmt::format("{} more from this flow after {}", count, pending_.size()));
    }
    const TypeRef ty = type(n, what);
    const RouteRef route = route_of(n, what, true);
    const Entry how = entry_of(n, what, route);
    const std::vector<RawStop> own = read_stops(n, what);
    element_stops_.clear();
    const auto add = [&](double t, std::uint64_t k) {
      const Route r = pick(route, k);
      pending_.push_back({t - begin_s_, draw(ty, k), r, fmt::format("{}.{}", id, k), how,
                          route.at_departure, stops_for(n, what, own, r, route.at_departure)});
    };
    const double last = std::min(end, end_s_);
    const long long cap = number ? *number : std::numeric_limits<long long>::max();
    long long emitted = 0;
    const auto emit = [&](double t) {
      if (t < begin_s_) return;  // before the simulation begins, as SUMO skips them
      if (pending_.size() >= traffic::kMaxTrips) {
        f_->fail(n, what, "too many trips",
                 fmt::format("at most {} trips in all", traffic::kMaxTrips),
                 fmt::format("more from this flow after {}", pending_.size()));
      }
      add(t, static_cast<std::uint64_t>(emitted));
    };
    if (probability > 0.0) {
      for (long long k = 0; emitted < cap; ++k) {
        const double t = begin + static_cast<double>(k);
        if (t >= last) break;
        if (rng::uniform(element_, kFlowDrawStream, element_, static_cast<std::uint64_t>(k)) <
            probability) {
          emit(t);
          ++emitted;
        }
      }
    } else if (exp_rate > 0.0) {
      double t = begin;
      for (std::uint64_t k = 0; emitted < cap; ++k) {
        t += rng::exponential(element_, kFlowDrawStream, element_, k, 1.0 / exp_rate);
        if (t >= last) break;
        emit(t);
        ++emitted;
      }
    } else {
      for (long long k = 0; k < count; ++k) {
        const double t = begin + static_cast<double>(k) * period;
        if (t >= end_s_) break;
        if (t >= begin_s_) add(t, static_cast<std::uint64_t>(k));
      }
    }
  }

  const XmlFile* f_ = nullptr;  // the file being read
  const traffic::Network& net_;
  traffic::Router router_;
  double begin_s_, end_s_;  // of the simulation, in the files' time
  std::unordered_map<std::string, Index> road_of_;
  std::unordered_map<std::string, Index> type_of_;
  std::unordered_map<std::string, Route> named_route_;
  std::unordered_map<std::string, std::size_t> route_distribution_of_;
  std::vector<RouteDistribution> route_distributions_;
  using Distribution = Weighted<Index>;
  std::unordered_map<std::string, std::size_t> distribution_of_;
  std::vector<Distribution> distributions_;
  // `probability` of the root vTypes (their weight when a distribution names them).
  std::unordered_map<std::string, double> root_probability_;
  std::uint32_t element_ = 0;  // vehicles, trips and flows read so far
  std::vector<Pending> pending_;
  std::unordered_map<std::string, StoppingPlace> stopping_places_;
  std::unordered_map<Index, std::vector<traffic::TripStop>> route_stops_;  // by route begin
  std::unordered_map<Index, std::pair<Index, Index>> element_stops_;  // this element's, by route
  std::vector<traffic::TripStop> stop_pool_;
  SumoDemand out_;
};

}  // namespace

SumoDemand read_sumo_routes(const std::string& path, const traffic::Network& net,
                            double horizon_s) {
  return read_sumo_routes(std::vector<std::string>{path}, {}, net, 0.0, horizon_s);
}

SumoDemand read_sumo_routes(const std::vector<std::string>& route_files,
                            const std::vector<std::string>& additional_files,
                            const traffic::Network& net, double begin_s, double horizon_s) {
  RoutesReader reader(net, begin_s, horizon_s);
  for (const std::string& path : additional_files) reader.read(XmlFile(path), true);
  for (const std::string& path : route_files) reader.read(XmlFile(path), false);
  return reader.finish(route_files.empty() ? std::string() : route_files.back());
}

traffic::Demand import_sumo_routes(const std::string& path, const traffic::Network& net,
                                   double horizon_s) {
  return read_sumo_routes(path, net, horizon_s).demand;
}

}  // namespace parktwin::scenarios

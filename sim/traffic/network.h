#pragma once
// The road network: what a scenario says about roads, built once at load and then only read
// (the "model" of STYLE.md rule 1). Structure of arrays indexed by dense ids.
//
// Vehicles live on *segments*: every lane is a segment, and so is every lane-to-lane
// connection through a junction (a "link", CityFlow's lanelink, SUMO's internal lane), so
// that a vehicle crossing a junction has a position and a leader like anywhere else.
// Segment ids: lanes first [0, lane_count()), then links [lane_count(), segment_count()).

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/geometry.h"

namespace parktwin::traffic {

using Index = std::uint32_t;
inline constexpr Index kNone = ~Index{0};

enum class Turn : std::uint8_t { straight, left, right, uturn };
const char* turn_name(Turn t);

// What a phase is for. A *green* phase lets go at least one movement that is not green in
// every phase of its signal; the others clear the junction between greens: *amber* (SUMO's
// 'y'/'Y', CityFlow's yellow phase, which may still let right turns go) or *all-red* (SUMO's
// phases with nothing but 'r', 's', 'o'/'O' and always-green links). Agents choose among the
// green phases only; the control surface (sim/control) runs the clearance phases between.
enum class PhaseKind : std::uint8_t { green, amber, all_red };
const char* phase_kind_name(PhaseKind k);  // "green", "amber", "all_red"

// A fixed-time signal plan: phases in order, each with a duration, a kind and the movements
// it lets go. Phase p of signal s is phases[phase_begin[s] + p].
struct SignalPhase {
  double duration_s = 0.0;
  PhaseKind kind = PhaseKind::green;
  // A green of an actuated program (SUMO's <phase minDur maxDur>): it runs at least min_s and
  // at most max_s, ended in between by a gap in the traffic at its detectors. Both < 0 for a
  // phase of fixed duration.
  double min_s = -1.0, max_s = -1.0;
};

struct Network {
  // --- junctions (J entries)
  std::vector<std::string> junction_id;
  std::vector<geo::Vec2> junction_pos;
  std::vector<std::uint8_t> junction_virtual;  // 1: boundary node where roads start and end
  std::vector<Index> junction_signal;          // signal index or kNone (unsignalised)

  // --- roads (R entries); a road's lanes are consecutive, index 0 = leftmost (inner)
  std::vector<std::string> road_id;
  std::vector<Index> road_from, road_to;  // junctions
  std::vector<Index> road_first_lane;
  std::vector<std::uint16_t> road_lane_count;

  // --- segments (S = lanes + links entries): hot data for the step
  std::vector<double> seg_length_m;
  std::vector<double> seg_speed_limit_mps;
  geo::PolylineSet seg_shape;  // cold: centre lines, for rendering and picking

  // --- lanes (first L segments)
  std::vector<Index> lane_road;
  std::vector<std::uint16_t> lane_index;  // position in its road, 0 = leftmost
  std::vector<double> lane_width_m;
  // Who may drive each lane (SUMO's allow/disallow): bit c set when vehicles of access class
  // c (VehicleType::access_class) may; empty: every lane is open to every vehicle (CityFlow).
  std::vector<std::uint64_t> lane_access;
  std::vector<Index> lane_links_begin;  // CSR, L + 1 entries: links leaving lane l are
                                        // [lane_links_begin[l], lane_links_begin[l + 1])

  // --- links (K entries, segment id = lane_count() + k), grouped by their start lane
  std::vector<Index> link_from_lane, link_to_lane;
  std::vector<Index> link_movement;
  // SUMO's keep-clear (its connections' keepClear, default on): 1 when a vehicle may enter
  // link k only if the lane beyond has room for it behind the last standing vehicle,
  // counting the vehicles already in the junction toward that lane. Empty (CityFlow): a
  // vehicle may follow a tail that is still moving (TrafficSim's kMovingTailSpeed).
  std::vector<std::uint8_t> link_keep_clear;
  // SUMO's zipper merges (connection state 'Z'): 1 when link k ends in a zipper merge, where
  // the vehicles of its links take turns by who is nearer the merge (TrafficSim::
  // merge_leader); empty when no link does.
  std::vector<std::uint8_t> link_zipper;
  bool zipper(Index link) const { return !link_zipper.empty() && link_zipper[link] != 0; }
  // Per link, SUMO's internal junction: how far into the link a turning vehicle waits for the
  // links it yields to (Network::yield_to), having entered on green without waiting for them
  // at the stop line (a left turn waits in the middle of the junction and clears it when the
  // light changes). 0 where the link has none; empty when no link has one.
  std::vector<double> link_wait_m;
  double link_wait(Index link) const { return link_wait_m.empty() ? 0.0 : link_wait_m[link]; }
  // Junctions as SUMO models them (TrafficSim): a link's seg_speed_limit_mps (its internal
  // lanes' speed) binds vehicles on it, who slow down to it before entering, and before a
  // minor link to a speed that lets them stop where the foes come into view; a minor link's
  // gap is accepted on estimated arrival and leaving times (MSLink::blockedByFoe). CityFlow's
  // (false): no speed limit inside a junction, a turning vehicle slows to its type's turn
  // speed, and a gap is a fixed crossing time.
  bool sumo_junctions = false;

  // --- right of way between links of one junction (CSR over links, K + 1 entries): the
  // links that link k must let go first when both want the junction at the same time
  // (SUMO's <request response=...>; empty where the input says nothing). Links without a
  // green signal never compete, so signalised junctions need entries only for permissive
  // movements (SUMO's lower-case 'g').
  std::vector<Index> link_yield_begin;
  std::vector<Index> link_yield_to;

  // --- movements (M entries): a turn from one road to another at a junction
  std::vector<Index> movement_junction, movement_from_road, movement_to_road;
  std::vector<Turn> movement_turn;
  // Bit p set: the movement may go during phase p of its junction's signal (<= 64 phases).
  std::vector<std::uint64_t> movement_green_phases;
  // Bit p set: in phase p the movement may go but must give way (SUMO's lower-case 'g', and
  // at a junction without a signal, bit 0 for a minor link, state 'm'); empty (CityFlow):
  // every movement gives way as Network::yield_to says, in every phase. A SUMO movement that
  // may go without this bit has priority ('G', 'M') and yields to nobody.
  std::vector<std::uint64_t> movement_minor_phases;
  // Seconds a route pays for crossing the junction by the movement (Router), M entries or
  // empty for none: SUMO's minimum routing cost of its internal lanes (length over speed)
  // plus its weights.minor-penalty on minor links.
  std::vector<double> movement_route_cost_s;

  // --- loop detectors (D entries): a point on a lane that counts passing vehicles
  std::vector<std::string> detector_id;
  std::vector<Index> detector_lane;
  std::vector<double> detector_pos_m;  // from the lane start, in [0, length]

  // --- signals (G entries)
  std::vector<Index> signal_junction;
  std::vector<Index> signal_phase_begin;  // CSR, G + 1 entries into phases
  std::vector<SignalPhase> phases;
  // Per signal, for actuated programs (SUMO's tlLogic type="actuated", MSActuatedTrafficLight-
  // Logic): the time without a vehicle at the detectors that ends a green (max-gap, s) and how
  // far before the stop line the detectors sit, in seconds of travel at the lane's speed limit
  // (detector-gap). Empty when no signal is actuated; 0 for a fixed-time signal.
  std::vector<double> signal_max_gap_s, signal_detector_gap_s;
  bool signal_actuated(Index signal) const {
    return !signal_max_gap_s.empty() && signal_max_gap_s[signal] > 0.0;
  }

  std::size_t junction_count() const { return junction_id.size(); }
  std::size_t road_count() const { return road_id.size(); }
  std::size_t lane_count() const { return lane_road.size(); }
  std::size_t link_count() const { return link_from_lane.size(); }
  std::size_t segment_count() const { return seg_length_m.size(); }
  std::size_t movement_count() const { return movement_junction.size(); }
  std::size_t signal_count() const { return signal_junction.size(); }
  std::size_t detector_count() const { return detector_lane.size(); }

  bool is_link(Index segment) const { return segment >= lane_count(); }
  Index link_segment(Index link) const { return static_cast<Index>(lane_count()) + link; }
  Index segment_link(Index segment) const { return segment - static_cast<Index>(lane_count()); }
  std::span<const SignalPhase> signal_phases(Index signal) const {
    return {phases.data() + signal_phase_begin[signal],
            phases.data() + signal_phase_begin[signal + 1]};
  }
  std::span<const Index> yield_to(Index link) const {
    if (link_yield_begin.empty()) return {};
    return {link_yield_to.data() + link_yield_begin[link],
            link_yield_to.data() + link_yield_begin[link + 1]};
  }
  // Must `link` let `foe` go first?
  bool yields(Index link, Index foe) const {
    const auto foes = yield_to(link);
    return std::find(foes.begin(), foes.end(), foe) != foes.end();
  }
  bool lane_allows(Index lane, unsigned access_class) const {
    return lane_access.empty() || ((lane_access[lane] >> access_class) & 1u) != 0;
  }
  // Does any link lead from `lane` onto `road`?
  bool lane_reaches_road(Index lane, Index road) const;
  // Does any lane of `from_road` lead onto `to_road` (is there a movement between them)?
  bool road_reaches_road(Index from_road, Index to_road) const;
  // Road id -> index, kNone if absent (linear scan: for loaders, not the step).
  Index find_road(const std::string& id) const;
};

// Checks the invariants the simulation relies on (ids in range, lengths > 0, CSR arrays
// monotone, every link between consecutive roads of its movement) and throws parktwin::Error
// naming the offending element. Importers call it last; `source` names the input file.
void validate(const Network& net, const std::string& source);

// Marks as `clearance` (amber or all-red) every phase still marked green that lets no
// competing movement go (none green in it but not in every phase of its signal). Importers
// call it once the movements' green phases are known, after setting the kinds their input
// states outright (SUMO's 'y').
void mark_clearance_phases(Network& net, PhaseKind clearance);

}  // namespace parktwin::traffic

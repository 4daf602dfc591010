#pragma once
// One traffic simulation: a network and a demand (the model, shared and read-only) and the
// state that one run changes. A step is a pipeline of named phases (STYLE.md rule 3):
//   create trips -> enter waiting vehicles -> plan (parallel over segments) ->
//   transfer between segments -> advance signals
// The plan phase reads only the state before the step and writes only each vehicle's own
// plan slots, so it runs in parallel with results identical for any thread count.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "sim/traffic/demand.h"
#include "sim/traffic/lane_change.h"
#include "sim/traffic/network.h"
#include "sim/traffic/routing.h"
#include "sim/traffic/traffic_state.h"

namespace parktwin::traffic {

struct TrafficConfig {
  double step_s = 1.0;
  std::uint64_t seed = 0;
  // MOBIL lane changes (lane_change.h). Off reproduces CityFlow's laneChange=false: vehicles
  // keep the lane they start on, and one whose lane has no link onward ends its trip there.
  bool lane_changing = false;
  mobil::Params mobil{};
  // SUMO's time-to-teleport: the front vehicle of a lane or junction link that has stood
  // (below 0.1 m/s) this long leaves the network and moves along its route until a road of
  // it has room (teleport.cpp); a vehicle that cannot stop before the end of a lane that
  // does not lead on stops there at once, as in SUMO, instead of ending its route. <= 0:
  // never, and such a vehicle's route ends there (CityFlow has no teleports).
  double teleport_after_s = 0.0;
};

// Random streams of the traffic model (engine/rng.h).
enum class TrafficStream : std::uint32_t {
  start_lane = 1,
  speed_factor = 2,
  dawdle = 3,
  depart_speed = 4,
  depart_pos = 5,
  arrival_pos = 6,
  arrival_lane = 7
};

// Key performance indicators at the current time.
struct TrafficKpis {
  double time_s = 0.0;
  std::uint64_t steps = 0;
  std::uint64_t created = 0;   // trips whose departure time has come
  std::uint64_t waiting = 0;   // created, still waiting to enter the network
  std::uint64_t running = 0;   // in the network now
  std::uint64_t finished = 0;  // reached the end of their route
  // CityFlow's average travel time: over every created vehicle, finished ones with their
  // travel time, the others with (now - creation time).
  double average_travel_time_s = 0.0;
  double mean_finished_travel_time_s = 0.0;    // from creation (waiting to enter included)
  double mean_finished_trip_duration_s = 0.0;  // from entering the network (SUMO's duration)
  double mean_finished_delay_s = 0.0;   // travel time minus free-flow time of the path driven
  double throughput_veh_per_h = 0.0;    // finished per hour of simulated time
  double mean_stops_per_vehicle = 0.0;  // over finished vehicles
  double mean_halting = 0.0;            // vehicles slower than 0.1 m/s, averaged over steps
  double fuel_l = 0.0;                  // all vehicles so far, HBEFA3 PC_G_EU4 (emissions.h)
  double co2_kg = 0.0;
  std::uint64_t vehicle_updates = 0;
  std::uint64_t dead_ends = 0;
  std::uint64_t teleports = 0;  // vehicles that stood too long and were moved on (SUMO's)
  std::uint64_t amber_entries = 0;
  std::uint64_t lane_changes = 0;
  std::uint64_t closure_reroutes = 0;   // vehicles rerouted around a closed road
  std::uint64_t closure_no_detour = 0;  // vehicles that found no way around one
  std::uint64_t stops_served = 0;       // halts made at the trips' stops (SUMO's <stop>)
};

// Calls f(name, value) for every KPI, in one fixed order with the names that every output
// uses (--kpi-json, the run file's /kpi): one list, so the outputs cannot drift apart.
template <class F>
void for_each_kpi(const TrafficKpis& k, F&& f) {
  f("time_s", k.time_s);
  f("steps", k.steps);
  f("average_travel_time_s", k.average_travel_time_s);
  f("mean_finished_travel_time_s", k.mean_finished_travel_time_s);
  f("mean_finished_trip_duration_s", k.mean_finished_trip_duration_s);
  f("mean_finished_delay_s", k.mean_finished_delay_s);
  f("created", k.created);
  f("finished", k.finished);
  f("running", k.running);
  f("waiting", k.waiting);
  f("throughput_veh_per_h", k.throughput_veh_per_h);
  f("mean_stops_per_vehicle", k.mean_stops_per_vehicle);
  f("mean_halting_vehicles", k.mean_halting);
  f("fuel_l", k.fuel_l);
  f("co2_kg", k.co2_kg);
  f("vehicle_updates", k.vehicle_updates);
  f("dead_ends", k.dead_ends);
  f("teleports", k.teleports);
  f("amber_entries", k.amber_entries);
  f("lane_changes", k.lane_changes);
  f("closure_reroutes", k.closure_reroutes);
  f("closure_no_detour", k.closure_no_detour);
  f("stops_served", k.stops_served);
}

class TrafficSim {
 public:
  // Both model references must outlive the simulation. Throws parktwin::Error on a bad
  // configuration (non-positive step, a signal whose phases sum to zero).
  TrafficSim(const Network& net, const Demand& demand, const TrafficConfig& config);

  void step();
  double time_s() const { return static_cast<double>(state_.step) * config_.step_s; }
  std::int64_t steps_done() const { return state_.step; }

  const Network& network() const { return net_; }
  const Demand& demand() const { return demand_; }
  const TrafficConfig& config() const { return config_; }
  const TrafficState& state() const { return state_; }

  // Checkpoints: calls f(name, value) for every part of the state that the next steps read,
  // where value is a std::vector<T> or a scalar T of trivially copyable T. save_state passes
  // const references; restore_state passes references to assign, which the caller must fill
  // with what save_state gave on a simulation of the same network, demand and config.
  // Restored, the simulation continues bit for bit as the saved one would have.
  template <class F>
  void save_state(F&& f) const {
    visit_state(*this, f);
  }
  template <class F>
  void restore_state(F&& f) {
    visit_state(*this, f);
    check_state();               // before anything below (or a step) follows its indices
    arc_blocked_valid_ = false;  // derived from the restored closures when next needed
    std::fill(lanes_on_rp_.begin(), lanes_on_rp_.end(), kNone);  // derived: recomputed
    for (Index v = 0; v < lanes_on_rp_.size(); ++v) {
      if (state_.status[v] == VehicleStatus::running) remember_lanes_on(v);
    }
    state_.teleporting.reserve(demand_.trip_count());  // grows without allocating
  }

  // Throws parktwin::Error naming the part (field "queue_count", ...) when the state does not
  // hang together: an index outside its array, a queue longer than its segment's capacity, a
  // broken waiting list, a phase the plan lacks. restore_state calls it (a checkpoint in a run
  // file is input like any other) before anything follows the restored indices
  // (state_check.cpp); O(vehicles + segments + route lengths).
  void check_state() const;

  // Puts a trip that has not departed yet onto `lane` at `pos_m` with `speed_mps`, now (an
  // initial state: a platoon, a ring road, a warm start). The lane must be on the trip's first
  // road and the spot free (no overlap with the vehicles there, gaps >= 0); throws
  // parktwin::Error otherwise.
  void insert_vehicle(Index trip, Index lane, double pos_m, double speed_mps);

  // --- routing during the run
  // Estimated time to drive each road now: its length over the mean speed of the vehicles on
  // it (at least 1 m/s), or the free-flow time when it is empty.
  void road_travel_times(std::vector<double>& cost_s) const;
  // Gives a running or waiting vehicle the fastest route from where it is to its destination
  // under `road_cost_s` (one entry per road; e.g. from road_travel_times; +inf: impassable).
  // Without lane changing, a running vehicle's new route turns where its lane's links go.
  // Returns false and changes nothing when the vehicle is not in the network or no route
  // exists. Call between steps; the result does not depend on the thread count.
  bool reroute(Index vehicle, std::span<const double> road_cost_s);
  // Road k of vehicle v's current route, and its length.
  Index route_road(Index v, Index k) const;
  Index route_length(Index v) const;

  // --- control interface (signal baselines and agents act through these, between steps)
  // Switches signal g to `phase` now; its clock restarts with that phase's duration.
  // Throws parktwin::Error for an unknown signal or phase.
  void set_signal_phase(Index signal, std::uint32_t phase);
  // Held signals keep their phase until set_signal_phase changes it (external control, as
  // CityFlow's rlTrafficLight); released ones follow their fixed-time plan.
  void hold_signal(Index signal, bool held);
  std::uint32_t signal_phase(Index signal) const { return state_.signal_phase[signal]; }
  double signal_time_in_phase_s(Index signal) const;
  // Retimes signal g's plan: one duration per phase, in plan order (>= 0 s each, a cycle
  // > 0 s). The current phase keeps the time it has run: it ends when its new duration is
  // reached, at once if that has passed. Throws parktwin::Error for a wrong count or value.
  void set_signal_plan(Index signal, std::span<const double> phase_durations_s);
  double phase_duration_s(Index signal, std::uint32_t phase) const {
    return state_.phase_duration_s[net_.signal_phase_begin[signal] + phase];
  }

  // --- closures (events act through these, between steps)
  // A closed lane takes no new vehicle: links into it count as red, no trip starts on it,
  // and vehicles waiting to enter it move to an open lane of the same road that leads on.
  // Vehicles already on it drive out. Vehicles planning a link into it choose another lane.
  // Throws parktwin::Error for an unknown lane.
  void set_lane_closed(Index lane, bool closed);
  // Closes or opens every lane of a road. Closing reroutes each vehicle whose route still
  // ahead crosses a road with every lane closed, by today's travel times (road_travel_times);
  // one with no way around keeps its route and waits at the closure (closure_no_detour).
  void set_road_closed(Index road, bool closed);
  bool lane_closed(Index lane) const { return state_.lane_closed[lane] != 0; }
  // Vehicles on the lanes that feed movement m and plan to take it, and how many of them are
  // halting: the inputs of queue- and pressure-based controllers.
  std::uint32_t movement_demand(Index movement, bool halting_only) const;
  // Per road: vehicles created but still waiting to enter on one of its lanes (the insertion
  // backlog). Allocates its result; for reports, not the step.
  std::vector<std::uint32_t> road_waiting() const;
  // Per road: teleports that started on it (a lane of it or a junction link leaving it).
  std::span<const std::uint32_t> road_teleports() const { return state_.road_teleports; }
  // Loop detectors (Network::detector_*): vehicles whose front crossed each since the start.
  std::uint64_t detector_count(Index detector) const { return detector_counts_[detector]; }

  TrafficKpis kpis() const;
  // Vehicles slower than 0.1 m/s on each lane now.
  void queue_lengths(std::vector<std::uint32_t>& per_lane) const;
  // Per lane (each span has lane_count() entries): vehicles on it, those of them halting
  // (below 0.1 m/s), and their mean speed (0 on an empty lane). Allocates nothing.
  void lane_state(std::span<std::uint32_t> vehicles, std::span<std::uint32_t> halting,
                  std::span<float> mean_speed_mps) const;
  // Hash of everything that evolves (positions, speeds, segments, queues, signals, counters).
  std::uint64_t state_hash() const;
  // Is the movement of `link` green now? Unsignalised junctions are always green.
  bool link_green(Index link) const;
  // Is `link` on amber: its signal in an amber phase that follows a phase in which the link
  // was green (SUMO's 'y' after 'G'/'g')?
  bool link_amber(Index link) const;
  // Must a vehicle on `link` give way now (Network::movement_minor_phases)?
  bool link_minor(Index link) const;

 private:
  void create_trips();
  // The lane a created trip waits on to enter: `current` when it still fits (open, leading
  // to the route's second road), else an open one that does, drawn at random.
  Index start_lane(Index v, Index current);
  void enter_waiting_vehicles();
  struct SegmentPlan {
    std::uint32_t halting;  // vehicles slower than 0.1 m/s after the step
    bool leaves;            // the front vehicle passes the segment's end
    bool stuck;             // the front vehicle has stood for teleport_after_s
    bool changes;           // a vehicle chose a lane change
    bool stops;             // a vehicle on the road of its next stop, or standing at it
  };
  // kUnitStep: the step is exactly 1 s (CityFlow's networks), so that the compiler drops the
  // divisions and products by it; the same arithmetic, bit for bit, as for a variable step.
  template <bool kUnitStep>
  SegmentPlan plan_segment(Index seg);
  void transfer();
  // Ends v's trip now; `arrived`: at its route's end (not at a dead end).
  void finish(Index v, bool arrived);
  // Teleports (teleport.cpp): stuck front vehicles of the segments in chunks whose plan saw
  // one leave; teleporting vehicles re-enter where there is room, or move on.
  void teleport_stuck();
  void start_teleport(Index v, Index seg);
  void reinsert_teleported();
  // Routing at departure (departure_routing.cpp): road speeds sampled and averaged as SUMO's
  // routing device does, and a departing trip routed on them.
  double road_sample_speed(Index road) const;
  // Mean speed of the vehicles on `road`'s lanes; false when there are none.
  bool road_mean_speed(Index road, double& mean) const;
  std::vector<double> road_length_m_;   // per road: its longest lane (derived)
  std::vector<double> road_limit_mps_;  // per road: its fastest lane's limit (derived)
  std::vector<double> road_speed_sum_;  // sample_road_speeds' scratch, per road
  std::vector<Index> road_speed_count_;
  void init_road_speeds();
  void sample_road_speeds();
  void route_at_departure(Index v);
  bool routes_at_departure_ = false;  // some trip asks for it (Trip::route_at_departure)
  // Stops (stops.cpp). The stop v makes next (nullptr: none left), and where it halts.
  const TripStop* next_stop_of(Index v) const;
  // The lane v must change to on its current road for its next stop (kNone: any).
  Index stop_lane_here(Index v) const;
  // The lane v must reach on its current road: its next stop's there, else on its last road
  // its Trip::arrival_lane; kNone when any will do.
  Index lane_target_here(Index v) const;
  // Distance from v's front (`pos` on `seg`) to the point where it halts for its next stop, if
  // that lies on this road or the next one (kNoLimit otherwise); 0 once past it.
  double distance_to_stop(Index v, Index seg, double pos) const;
  // After the move (a serial phase): vehicles standing at their stop begin to dwell, those
  // whose time is up drive on; only segments of chunks whose plan saw a vehicle at a stop.
  void update_stops();
  bool has_stops_ = false;  // some trip stops (Demand::stops)

  // Some trip ends before the end of its last road (Trip::arrival_pos): the plan looks for
  // arrivals on every lane, the transfer takes them out of their queues.
  bool arrivals_mid_lane_ = false;
  // Does v, on `lane` with its front reaching `next_pos`, arrive there (its last road, past
  // its Trip::arrival_pos)? Where on `lane` it arrives (arrival_pos_on).
  bool arrives_at(Index v, Index lane, double next_pos) const;
  double arrival_pos_on(Index v, Index lane) const;
  std::vector<double> departure_cost_s_;  // per road, for the step departure_cost_step_
  std::int64_t departure_cost_step_ = -1;
  // Puts v at the start of the lane of road `rp` of its route with the most room; false when
  // no lane has room for it.
  bool reenter(Index v, Index rp);
  // Insertion (insertion.cpp). Where waiting v may enter `lane` now (its front's position,
  // by Trip::depart_pos); false when nowhere.
  bool entry_place(Index v, Index lane, double& pos) const;
  // May v enter `lane` with its front at `pos` (room to the leader, a follower that can stop)?
  bool fits_at(Index v, Index lane, double pos) const;
  // The rearmost place on `lane` where v fits (SUMO's departPos="free"); false when none.
  bool free_place(Index v, Index lane, double& pos) const;
  // Index in `lane`'s queue (front first) for a vehicle whose front is at `pos`.
  Index slot_at(Index lane, double pos) const;
  // Speed of v entering `lane` at `pos` (Trip::depart_speed), safe behind its leader there.
  double entry_speed(Index v, Index lane, double pos) const;
  // Is there room for a vehicle of `type` at the start of `lane` (behind its tail)?
  bool room_at_start(Index lane, const VehicleType& type) const;
  // Can w, its front `distance` behind the front of a vehicle of `type`, stop behind that
  // vehicle with its minimum gap, braking comfortably after a step's reaction?
  bool can_stop_behind(Index w, double distance, const VehicleType& type) const;
  // Lane changes: decided in the plan phase from the state before the step (one target per
  // vehicle), applied after the transfer in lane order, each re-checked against the vehicles
  // already moved.
  // A mandatory change blocked by a vehicle alongside sets `fall_behind` to it.
  Index decide_lane_change(Index v, Index seg, Index i, Index& fall_behind) const;
  // Must v, on `lane`, leave it to follow its route (must_change), and does a lane in
  // direction `dir` from `lane` (itself included) lead on (leads_on_toward)?
  bool must_change(Index v, Index lane) const;
  bool leads_on_toward(Index v, Index lane, int dir) const;
  // The nearest vehicle ahead of v on a lane beside v's, stopped and waiting to move into
  // v's lane, whose rear v can still stop behind (kNone if none).
  Index waiting_to_merge(Index v, Index lane) const;
  void apply_lane_changes();
  // Leader and follower a vehicle at `pos` would have on `lane` (kNone where there is none).
  void neighbours(Index lane, double pos, Index skip, Index& leader, Index& follower) const;
  void advance_signals();
  // After closures changed: every vehicle on a lane re-plans its link, and, when `reroute`,
  // vehicles whose route ahead crosses a fully closed road are rerouted.
  void react_to_closures(bool reroute);
  // Closes or opens lanes [first, end) and reacts (set_lane_closed, set_road_closed).
  void set_lanes_closed(Index first, Index end, bool closed);
  bool road_closed(Index road) const;
  // Does v's route still ahead (after road `from_pos`) cross a fully closed road, or turn
  // where every open lane does not (blocked_arcs, which must be current)?
  bool route_blocked(Index v, Index from_pos) const;
  void reroute_around_closures(Index v, std::vector<double>& cost_s);

  // Next segment after `seg` for vehicle v whose current road is route[rp]; `planned` is
  // the link chosen for v's current lane (used when seg is that lane). kNone at the route end.
  Index next_segment(Index v, Index seg, Index rp, Index planned) const;
  // The link onto route road rp + 1 by lane_choice.h's ranking, "leads on" decided by
  // leads_on: through short lanes, as far as the route needs (SUMO's "best lanes" in spirit).
  Index choose_link(Index v, Index lane, Index rp) const;
  // Whether `lane`, on route road k of v, carries v along its route without a lane change as
  // far as it must: onto a lane of at least kRoomToChange_m (where it can change lanes
  // again), to its last road, or `depth` roads on. On networks whose lanes are all that long
  // (CityFlow's) this is "a link of the lane reaches road k + 1", CityFlow's rule.
  bool leads_on(Index v, Index lane, Index k, int depth) const;
  // leads_on(v, lane, route_pos[v], kLeadOnDepth) for a lane of v's current road, from
  // lanes_on_ when it is current (the lane-change decisions ask it for every vehicle in every
  // step), computed afresh otherwise.
  bool lane_leads_on(Index v, Index lane) const;
  // Brings lanes_on_ up to date for v's current road and route. Called in the serial phases
  // wherever a vehicle enters a road or gets a new route, so the plan phase only reads it.
  void remember_lanes_on(Index v);
  bool lanes_on_current(Index v) const;  // lanes_on_ holds v's current road and route
  double draw_speed_factor(Index v) const;
  // May v drive `lane` (Network::lane_allows)?
  bool may_use(Index v, Index lane) const {
    return net_.lane_allows(lane, type_of(v).access_class);
  }
  double free_speed(Index v, Index seg) const;

  const Network& net_;
  const Demand& demand_;
  TrafficConfig config_;
  TrafficState state_;
  // Can the nearest vehicle coming through each junction link into `lane` stop behind a
  // vehicle of `type` whose front is at `pos` on it?
  bool entry_is_safe(Index lane, const VehicleType& type, double pos = 0.0) const;
  // Must v, `remaining` metres before `link` at `speed`, let a vehicle on a link with right of
  // way go first (Network::yield_to)?
  bool must_yield(Index v, Index link, double remaining, double speed, bool inside = false) const;
  static double time_to_cover(double distance, double speed, const VehicleType& t, double cap);
  // Distance from v (at `pos` on `seg`) to the end of the first lane after the next
  // junction whose link onward is red, within `lookahead`; kNoLimit if none.
  double red_light_ahead(Index v, Index seg, double pos, double lookahead) const;
  // Is there room for v on the lane beyond `link` (Network::link_keep_clear)?
  bool room_beyond(Index v, Index link) const;
  // Nearest vehicle heading for the same lane through another link that reaches the merge
  // point first; updates leader/gap when it is closer than the current leader.
  void merge_leader(Index v, Index link, double distance_to_merge, Index& leader,
                    double& gap) const;

  std::vector<Index> in_links_begin_;  // CSR per lane: links ending on it (derived)
  std::vector<Index> in_links_;
  double shortest_vehicle_m_ = 5.0;  // of the demand's types: sizes the segment queues
  Index queue_capacity(Index seg) const {
    return static_cast<Index>(std::floor(net_.seg_length_m[seg] / shortest_vehicle_m_)) + 4;
  }
  const VehicleType& type_of(Index v) const { return demand_.types[vehicle_type_[v]]; }
  double lookahead_of(Index v) const { return type_lookahead_m_[vehicle_type_[v]]; }

  Router router_;
  Router::Scratch route_scratch_;            // reroute's Dijkstra memory, kept between queries
  std::vector<std::uint16_t> vehicle_type_;  // per vehicle: its type, without the Trip line
  std::vector<double> type_lookahead_m_;     // per type: safe_speed::lookahead_distance
  std::vector<Index> lc_candidates_;         // vehicles with a lane-change target, reused
  // Per vehicle, derived from its route: bit j says whether lane j of its current road leads
  // on (leads_on), valid for route position lanes_on_rp_[v] of the route that starts at
  // lanes_on_route_[v] (its reroute_begin). kNone: nothing remembered.
  std::vector<std::uint64_t> lanes_on_;
  std::vector<Index> lanes_on_rp_, lanes_on_route_;
  std::vector<Index> lane_scratch_;      // start-lane candidates, reused
  std::vector<double> closure_cost_s_;   // road costs for closure reroutes, reused
  std::vector<Index> closure_stranded_;  // vehicles to reroute after this step's transfer
  // Per router arc: the turn is impossible with the lanes closed now (Router::blocked_arcs);
  // derived from state_.lane_closed, rebuilt when closures change.
  std::vector<std::uint8_t> arc_blocked_;
  bool arc_blocked_valid_ = false;
  std::span<const std::uint8_t> blocked_arcs();
  std::vector<std::uint64_t> detector_counts_;  // written by the owning lane's plan task
  std::vector<Index> lane_detectors_begin_;     // CSR per lane (derived)
  std::vector<Index> lane_detectors_;
  std::vector<std::uint32_t> chunk_halting_;  // per plan chunk, written by that chunk
  std::vector<std::uint8_t> chunk_leaves_;    // per plan chunk: any vehicle to transfer
  std::vector<std::uint8_t> chunk_stuck_;     // per plan chunk: a front vehicle to teleport
  std::vector<std::uint8_t> chunk_changes_;   // per plan chunk: a lane change chosen
  std::vector<std::uint8_t> chunk_stops_;     // per plan chunk: a vehicle at or near its stop
  std::vector<std::uint8_t> segment_leaves_;  // per segment: its front vehicle passes the end
  std::vector<double> free_time_s_;           // per vehicle: free-flow time of the path so far
  double halting_sum_ = 0.0;
  double finished_delay_s_ = 0.0;
  std::uint64_t finished_stops_ = 0;

  template <class Self, class F>
  static void visit_state(Self& self, F& f) {
    auto& s = self.state_;
    f("step", s.step);
    f("next_trip", s.next_trip);
    f("counters", s.counters);
    f("pos_m", s.pos_m);
    f("speed_mps", s.speed_mps);
    f("next_pos_m", s.next_pos_m);
    f("next_speed_mps", s.next_speed_mps);
    f("segment", s.segment);
    f("route_pos", s.route_pos);
    f("reroute_begin", s.reroute_begin);
    f("reroute_length", s.reroute_length);
    f("rerouted_roads", s.rerouted_roads);
    f("planned_link", s.planned_link);
    f("status", s.status);
    f("wait_next", s.wait_next);
    f("totals", s.totals);
    f("speed_factor", s.speed_factor);
    f("lc_target", s.lc_target);
    f("lc_last_step", s.lc_last_step);
    f("create_time_s", s.create_time_s);
    f("enter_time_s", s.enter_time_s);
    f("finish_time_s", s.finish_time_s);
    f("next_stop", s.next_stop);
    f("stop_leave_s", s.stop_leave_s);
    f("queue_pool", s.queues.pool);
    f("queue_begin", s.queues.begin);
    f("queue_capacity", s.queues.capacity);
    f("queue_head", s.queues.head);
    f("queue_count", s.queues.count);
    f("wait_head", s.wait_head);
    f("wait_tail", s.wait_tail);
    f("signal_phase", s.signal_phase);
    f("signal_remaining_s", s.signal_remaining_s);
    f("signal_held", s.signal_held);
    f("phase_duration_s", s.phase_duration_s);
    f("lane_closed", s.lane_closed);
    f("closed_lanes", s.closed_lanes);
    f("teleporting", s.teleporting);
    f("teleport_ready_s", s.teleport_ready_s);
    f("road_teleports", s.road_teleports);
    f("road_speed_samples_by_slot", s.road_speed_samples);
    f("road_speed_mean", s.road_speed_mean);
    f("road_speed_slot", s.road_speed_slot);
    f("road_speed_samples_taken", s.road_speed_samples_taken);
    f("detector_counts", self.detector_counts_);
    f("free_time_s", self.free_time_s_);
    f("halting_sum", self.halting_sum_);
    f("finished_delay_s", self.finished_delay_s_);
    f("finished_stops", self.finished_stops_);
  }
};

// Called for every vehicle in every step, from several files: defined here to be inlined.

inline Index TrafficSim::route_length(Index v) const {
  const TrafficState& s = state_;
  return s.reroute_begin[v] != kNone ? s.reroute_length[v] : demand_.trips[v].route_length;
}

inline Index TrafficSim::route_road(Index v, Index k) const {
  const TrafficState& s = state_;
  return s.reroute_begin[v] != kNone ? s.rerouted_roads[s.reroute_begin[v] + k]
                                     : demand_.route_road(demand_.trips[v], k);
}

inline bool TrafficSim::link_minor(Index link) const {
  if (net_.movement_minor_phases.empty()) return true;
  const Index m = net_.link_movement[link];
  const Index signal = net_.junction_signal[net_.movement_junction[m]];
  const std::uint32_t phase = signal == kNone ? 0 : state_.signal_phase[signal];
  return ((net_.movement_minor_phases[m] >> phase) & 1u) != 0;
}

inline bool TrafficSim::link_green(Index link) const {
  const Index m = net_.link_movement[link];
  const Index signal = net_.junction_signal[net_.movement_junction[m]];
  if (signal == kNone) return true;
  return ((net_.movement_green_phases[m] >> state_.signal_phase[signal]) & 1u) != 0;
}

}  // namespace parktwin::traffic

#pragma once
// What changes while traffic runs (the "data" of STYLE.md rule 1): vehicles, the order of
// vehicles on each segment, waiting queues, signal clocks and counters. Sized once from the
// model at init; nothing here grows during a step. A checkpoint is this struct plus the
// seed and the step number.

#include <cstdint>
#include <vector>

#include "sim/traffic/network.h"

namespace parktwin::traffic {

// teleporting: taken off a segment where it stood too long, moving along its route out of
// the network until a road of it has room (TrafficConfig::teleport_after_s, teleport.cpp).
enum class VehicleStatus : std::uint8_t { pending, waiting, running, finished, teleporting };

// Vehicles on one segment in driving order, front (most advanced) first, as a ring buffer of
// vehicle ids in a pool shared by all segments. Capacity per segment is fixed at init from
// its length and the shortest vehicle, so a full jam still fits.
struct SegmentQueues {
  std::vector<Index> pool;
  std::vector<Index> begin, capacity, head, count;  // per segment

  Index size(Index s) const { return count[s]; }
  // Calls f(s) for every segment in [first, end) holding a vehicle, in index order. Most
  // segments are empty in most steps (links above all): eight counts are tested at once.
  template <class F>
  void for_each_occupied(Index first, Index end, F&& f) const {
    const Index* n = count.data();
    Index s = first;
    for (; s < end && s % 8 != 0; ++s) {
      if (n[s] != 0) f(s);
    }
    for (; s + 8 <= end; s += 8) {
      Index any = 0;
      for (Index k = 0; k < 8; ++k) any |= n[s + k];
      if (any == 0) continue;
      for (Index k = 0; k < 8; ++k) {
        if (n[s + k] != 0) f(s + k);
      }
    }
    for (; s < end; ++s) {
      if (n[s] != 0) f(s);
    }
  }
  // i-th vehicle from the front.
  Index at(Index s, Index i) const {
    Index slot = head[s] + i;
    if (slot >= capacity[s]) slot -= capacity[s];
    return pool[begin[s] + slot];
  }
  Index front(Index s) const { return at(s, 0); }
  Index back(Index s) const { return at(s, count[s] - 1); }
  bool full(Index s) const { return count[s] == capacity[s]; }
  void push_back(Index s, Index vehicle) {
    Index slot = head[s] + count[s];
    if (slot >= capacity[s]) slot -= capacity[s];
    pool[begin[s] + slot] = vehicle;
    ++count[s];
  }
  void pop_front(Index s) {
    head[s] = head[s] + 1 == capacity[s] ? 0 : head[s] + 1;
    --count[s];
  }
  // Inserts at position i from the front, shifting those behind one slot back.
  void insert_at(Index s, Index i, Index vehicle) {
    push_back(s, vehicle);
    for (Index j = count[s] - 1; j > i; --j) slot(s, j) = slot(s, j - 1);
    slot(s, i) = vehicle;
  }
  // Removes the i-th vehicle from the front, closing the gap.
  void erase_at(Index s, Index i) {
    for (Index j = i; j + 1 < count[s]; ++j) slot(s, j) = slot(s, j + 1);
    --count[s];
  }

 private:
  Index& slot(Index s, Index i) {
    Index k = head[s] + i;
    if (k >= capacity[s]) k -= capacity[s];
    return pool[begin[s] + k];
  }
};

// Counters that KPIs are computed from; all sums in a fixed order, so deterministic.
struct TrafficCounters {
  std::uint64_t created = 0;            // trips whose departure time has come
  std::uint64_t entered = 0;            // vehicles that entered the network
  std::uint64_t finished = 0;           // vehicles that reached the end of their route
  std::uint64_t vehicle_updates = 0;    // sum over steps of vehicles moved in that step
  std::uint64_t dead_ends = 0;          // vehicles whose lane had no link onwards (ended early)
  std::uint64_t teleports = 0;          // vehicles taken off a segment after standing too long
  std::uint64_t queue_overflows = 0;    // entries refused because a segment queue was full
  std::uint64_t amber_entries = 0;      // entries on a just-ended green by vehicles unable to stop
  std::uint64_t lane_changes = 0;       // applied MOBIL lane changes
  std::uint64_t closure_reroutes = 0;   // vehicles given a new route around a closed road
  std::uint64_t closure_no_detour = 0;  // ... for which no route around it existed (they wait)
  std::uint64_t stops_served = 0;       // halts made at the trips' stops (Demand::stops)
  double finished_travel_s = 0.0;       // sum of travel times of finished vehicles
  double finished_trip_s = 0.0;         // the same from entering the network (SUMO's duration)
  double finished_distance_m = 0.0;
  std::uint64_t stops = 0;  // moving -> stopped transitions
};

// Per-vehicle running totals, written by the vehicle's own plan task: one struct, so one
// cache line per vehicle and step instead of one per quantity.
struct VehicleTotals {
  float distance_m = 0.0f;  // driven so far
  float fuel_l = 0.0f;      // petrol burnt (emissions.h)
  float co2_kg = 0.0f;      // CO2 emitted
  float halted_s = 0.0f;    // time below 0.1 m/s since it last moved
  std::uint32_t stops = 0;  // moving -> halted transitions
};

struct TrafficState {
  std::int64_t step = 0;

  // Vehicles (one slot per trip, N entries). pos_m is the front bumper's distance along the
  // current segment; next_* are the plan buffers written in the step's plan phase.
  std::vector<double> pos_m, speed_mps;
  std::vector<double> next_pos_m, next_speed_mps;
  std::vector<Index> segment;
  std::vector<Index> route_pos;  // index of the current road in the vehicle's route
  // Routes changed during the run (TrafficSim::reroute): vehicle v follows
  // rerouted_roads[reroute_begin[v] ..+ reroute_length[v]] instead of its trip's route when
  // reroute_begin[v] != kNone. Grows only when a controller reroutes, between steps.
  std::vector<Index> reroute_begin, reroute_length;
  std::vector<Index> rerouted_roads;
  std::vector<Index> planned_link;  // link to take at the end of the current lane, or kNone
  std::vector<VehicleStatus> status;
  std::vector<Index> wait_next;  // intrusive FIFO of vehicles waiting to enter a lane
  std::vector<VehicleTotals> totals;
  std::vector<double> speed_factor;        // desired speed / lane limit, drawn at creation
  std::vector<Index> lc_target;            // lane chosen by this step's plan, or kNone
  std::vector<std::int64_t> lc_last_step;  // step of the last lane change
  std::vector<double> create_time_s;
  std::vector<double> enter_time_s;  // when it entered the network (after waiting to enter)
  std::vector<double> finish_time_s;
  // Stops (stops.cpp): the next of the trip's Demand::stops to make (counted from its first),
  // and while it stands at one, the time it leaves (< 0: not at a stop).
  std::vector<Index> next_stop;
  std::vector<double> stop_leave_s;

  SegmentQueues queues;

  // Lanes: vehicles created but not yet in the network, first come first served.
  std::vector<Index> wait_head, wait_tail;

  // Signals: current phase and the time left in it.
  std::vector<std::uint32_t> signal_phase;
  std::vector<double> signal_remaining_s;
  std::vector<std::uint8_t> signal_held;  // 1: phase changes only when a controller says
  // Phase durations in force (Network::phases at the start; events retime them).
  std::vector<double> phase_duration_s;

  // Lanes closed by events (1: no vehicle may enter; those on it drive out).
  std::vector<std::uint8_t> lane_closed;
  std::uint32_t closed_lanes = 0;  // how many are closed now (0: the step skips every check)

  // Teleports (teleport.cpp): vehicles out of the network, in the order they left it; while
  // teleporting, route_pos is the road a vehicle is passing virtually, and it may re-enter
  // at that road's start now, or moves on to the next road at teleport_ready_s.
  std::vector<Index> teleporting;
  std::vector<double> teleport_ready_s;       // per vehicle
  std::vector<std::uint32_t> road_teleports;  // per road: teleports that started on it

  // Routing at departure (departure_routing.cpp; only when some trip asks for it): each
  // road's speed samples (a ring of SUMO's 180, the next to replace at road_speed_slot), their
  // mean, and how many sampling times have passed.
  std::vector<double> road_speed_samples;  // 180 x R: sample k of road r at k * R + r
  std::vector<double> road_speed_mean;     // per road
  std::uint32_t road_speed_slot = 0;
  std::uint64_t road_speed_samples_taken = 0;

  Index next_trip = 0;  // trips before this one have been created
  TrafficCounters counters;

  // Scratch for the transfer phase (capacity N, reused every step).
  struct Move {
    Index vehicle;
    Index to_segment;
    double pos_m;
  };
  std::vector<Move> moves;
  // Vehicles that reached the end of their route in the last step, in the order they did (the
  // coupling reads it: EVs that park at a building; one stopped early at a dead end is not
  // among them). Derived, not checkpointed: it is read right
  // after the step that fills it.
  std::vector<Index> finished_last_step;
};

}  // namespace parktwin::traffic

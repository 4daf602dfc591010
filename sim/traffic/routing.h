#pragma once
// Fastest routes at free flow: Dijkstra's algorithm (Numer. Math. 1, 269, 1959) over roads,
// with an arc from road a to road b wherever a movement turns from a onto b. Entering a road
// costs its free-flow travel time, length over speed limit on its quickest lane, plus the
// cheapest movement's Network::movement_route_cost_s where the network gives one (SUMO's
// internal lanes and minor-link penalty; CityFlow's networks give none). Ties go to the lower
// road index, so the result does not depend on anything but the network.
//
// Queries are A* with landmarks, "ALT" (Goldberg & Harrelson, SODA 2005): free-flow costs from
// and to a few landmark roads, computed once, bound the cost from any road to the destination
// by the triangle inequality. The bound holds whenever every road costs at least its free-flow
// time (measured travel times do) and is consistent, so a route is as fast as Dijkstra's; with
// a cost below free flow on some road the query is plain Dijkstra.

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "sim/traffic/network.h"

namespace parktwin::traffic {

// Keeps the road graph of one network for many queries (the network must outlive it).
class Router {
 public:
  explicit Router(const Network& net);

  // Roads from `from_road` to `to_road`, both included; {from_road} when they are equal;
  // empty when `to_road` cannot be reached.
  std::vector<Index> route(Index from_road, Index to_road) const;
  // The same with the cost of entering each road given (seconds, one per road): time-dependent
  // routing with travel times measured now (TrafficSim::road_travel_times).
  std::vector<Index> route(Index from_road, Index to_road, std::span<const double> road_cost_s,
                           std::span<const std::uint8_t> arc_blocked = {}) const;
  // The same with scratch memory kept by the caller between queries (no allocation but the
  // route's own once it has grown to the network).
  struct Scratch {
    std::vector<double> dist;
    std::vector<double> bound;  // the landmark bound of each road the query touched
    std::vector<Index> prev, touched;
    struct Item {
      double estimate_s;  // cost so far plus the landmark bound to the destination
      Index road;
    };
    std::vector<Item> heap;
  };
  std::vector<Index> route(Index from_road, Index to_road, std::span<const double> road_cost_s,
                           std::span<const std::uint8_t> arc_blocked, Scratch& scratch) const;
  // Turns between roads (arcs), numbered for arc_blocked: arc(a, b) is the arc from road a to
  // road b, kNone when no movement joins them.
  std::size_t arc_count() const { return next_.size(); }
  Index arc(Index from_road, Index to_road) const;
  // What taking arc `arc` adds to the cost of the road it enters (Network::movement_route_cost_s).
  double arc_cost_s(Index arc) const { return arc_cost_s_[arc]; }
  // Marks (1) every arc from road a to road b where some lane of a is open but none of the
  // open ones has a link to b: with `closed` lanes (one byte per lane) the turn is impossible.
  // Arcs out of a road with every lane closed stay open (vehicles on it still leave).
  void blocked_arcs(const Network& net, std::span<const std::uint8_t> closed,
                    std::vector<std::uint8_t>& out) const;
  std::span<const double> free_flow_cost_s() const { return cost_s_; }

 private:
  std::vector<Index> next_begin_;   // CSR over roads, R + 1 entries
  std::vector<Index> next_;         // roads reachable through a movement, ascending
  std::vector<double> cost_s_;      // free-flow travel time of each road
  std::vector<double> arc_cost_s_;  // per arc: crossing the junction (0 where not given)
  // Landmarks: per road, 2 x landmark_count_ free-flow costs, from landmark k (entry 2k) and to
  // it (2k + 1), infinite where there is no way.
  std::size_t landmark_count_ = 0;
  std::vector<double> landmark_cost_s_;
  void place_landmarks(const Network& net);
};

// One-off query; importers routing many trips keep a Router.
std::vector<Index> shortest_route(const Network& net, Index from_road, Index to_road);

}  // namespace parktwin::traffic

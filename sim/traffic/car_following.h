#pragma once
// Longitudinal driver models, as pure functions of one vehicle's and its leader's state.
//
// 1. Safe-speed model (the default for CityFlow input): the next speed is the largest that
//    lets the follower stop behind the leader if the leader brakes, in the family of
//    P. G. Gipps, "A behavioural car-following model for computer simulation",
//    Transp. Res. B 15(2), 105-111 (1981) and S. Krauss, "Microscopic modeling of traffic
//    flow: investigation of collision free vehicle dynamics", DLR report 98-08 (1998),
//    in the discrete form of CityFlow (H. Zhang et al., "CityFlow: a multi-agent
//    reinforcement learning environment for large scale city traffic scenario", WWW 2019),
//    so that results on CityFlow's networks are comparable.
// 2. Intelligent Driver Model: M. Treiber, A. Hennecke and D. Helbing, "Congested traffic
//    states in empirical observations and microscopic simulations", Phys. Rev. E 62,
//    1805-1824 (2000), Eq. (1)-(2), with the ballistic update of Treiber & Kanagaraj,
//    Physica A 419, 183-195 (2015).

#include <algorithm>
#include <cmath>

#include "sim/traffic/demand.h"

namespace parktwin::traffic::safe_speed {

// Largest follower speed v' after dt such that, with the leader braking at leader_decel and
// the follower at follower_decel, the gap never falls below target_gap (a quadratic in v').
// A negative result means no speed is safe: the caller brakes as hard as it may.
inline double no_collision(double v_leader, double leader_decel, double v, double decel, double gap,
                           double dt, double target_gap) {
  const double a = 1.0 / (2.0 * decel);
  const double b = dt / 2.0;
  const double c = v * dt / 2.0 + target_gap - v_leader * v_leader / (2.0 * leader_decel) - gap;
  const double disc = b * b - 4.0 * a * c;
  if (disc < 0.0) return -100.0;
  const double v1 = decel * (std::sqrt(disc) - b);
  const double v2 = 2.0 * v_leader - leader_decel * dt + 2.0 * (gap - target_gap) / dt;
  return std::min(v1, v2);
}

// Speed after dt behind a leader `gap` metres ahead (bumper to bumper) moving at v_leader.
inline double follow(const VehicleType& me, double v, const VehicleType& leader, double v_leader,
                     double gap, double dt) {
  double s = no_collision(v_leader, leader.max_decel_mps2, v, me.max_decel_mps2, gap, dt, 0.0);
  s = std::min(s, no_collision(v_leader, leader.usual_decel_mps2, v, me.usual_decel_mps2, gap, dt,
                               me.min_gap_m));
  // Keep the desired time headway, assuming the leader keeps decelerating as now.
  const double assumed_decel = std::max(0.0, s - v_leader);
  return std::min(
      s, (gap + (v_leader + assumed_decel / 2.0) * dt - s * dt / 2.0) / (me.headway_s + dt / 2.0));
}

// True when follow(me, v, leader, v_leader, gap, dt) is surely >= v_cap >= 0, so that a caller
// taking min(v_cap, follow(...)) may skip the two square roots and the divisions: each of
// follow's terms is bounded below by a condition on the gap alone (no_collision's larger root
// is >= v_cap when its quadratic is <= 0 at v_cap; the headway term's numerator is at least
// gap + v_leader dt / 2 whatever s is). The margin covers rounding many times over, so the
// skipped call could not have returned less than v_cap: results stay bit for bit.
inline bool follow_cannot_bind(const VehicleType& me, double v, const VehicleType& leader,
                               double v_leader, double gap, double dt, double v_cap) {
  constexpr double kMargin_m = 1e-6;
  const double moved = (v_cap + v) * dt / 2.0 + kMargin_m;
  const double leader_stops_max = v_leader * v_leader / (2.0 * leader.max_decel_mps2);
  const double leader_stops_usual = v_leader * v_leader / (2.0 * leader.usual_decel_mps2);
  const bool root_max = gap >= v_cap * v_cap / (2.0 * me.max_decel_mps2) + moved - leader_stops_max;
  const bool root_usual = gap >= v_cap * v_cap / (2.0 * me.usual_decel_mps2) + moved +
                                     me.min_gap_m - leader_stops_usual;
  // no_collision's second term, 2 v_l - d_l dt + 2 (gap - target) / dt >= v_cap, for both.
  const double reach = (v_cap - 2.0 * v_leader) * dt / 2.0 + kMargin_m;
  const bool second = gap >= reach + leader.max_decel_mps2 * dt * dt / 2.0 &&
                      gap >= reach + leader.usual_decel_mps2 * dt * dt / 2.0 + me.min_gap_m;
  const bool headway = gap + v_leader * dt / 2.0 >= v_cap * (me.headway_s + dt / 2.0) + kMargin_m;
  return v_cap >= 0.0 && root_max && root_usual && second && headway;
}

// Distance covered while accelerating at `accel` for dt, then braking at `decel` to a stop.
inline double brake_distance_after_accel(double v, double accel, double decel, double dt) {
  const double v1 = v + accel * dt;
  return (v + v1) * dt / 2.0 + v1 * v1 / (2.0 * decel);
}

// Speed after dt that brings the vehicle to rest within `distance` (a stop line ahead).
inline double stop_before(const VehicleType& me, double v, double distance, double dt) {
  if (brake_distance_after_accel(v, me.usual_accel_mps2, me.usual_decel_mps2, dt) < distance) {
    return v + me.usual_accel_mps2 * dt;
  }
  // Spread the stop over the whole steps that remain: k = steps to cover distance at mean v/2.
  const double k = 2.0 * distance / ((v + 1e-8) * dt);
  return k >= 1.0 ? v - v / std::floor(k) : v - v / k;
}

inline double min_brake_distance(const VehicleType& me, double v) {
  return v * v / (2.0 * me.max_decel_mps2);
}

// How far ahead a vehicle looks for leaders and for the junction it approaches.
inline double lookahead_distance(const VehicleType& me, double dt) {
  return me.max_speed_mps * me.max_speed_mps / (2.0 * me.usual_decel_mps2) +
         2.0 * me.max_speed_mps * dt;
}

}  // namespace parktwin::traffic::safe_speed

namespace parktwin::traffic::idm {

inline constexpr double kDelta = 4.0;  // acceleration exponent (Treiber et al. 2000, Table 1)
// r^kDelta by two products (std::pow was 4 % of a SUMO network's step through MOBIL).
inline double pow_delta(double r) {
  static_assert(kDelta == 4.0);
  const double r2 = r * r;
  return r2 * r2;
}

// Desired gap s*(v, dv) = s0 + max(0, v T + v dv / (2 sqrt(a b))), Eq. (2).
inline double desired_gap(const VehicleType& me, double v, double dv) {
  return me.min_gap_m +
         std::max(0.0, v * me.headway_s +
                           v * dv / (2.0 * std::sqrt(me.max_accel_mps2 * me.usual_decel_mps2)));
}

// Acceleration with a leader `gap` ahead at speed v_leader; v0 is the desired speed (the lower
// of the driver's and the road's). Eq. (1).
inline double acceleration(const VehicleType& me, double v, double v0, double gap,
                           double v_leader) {
  const double free = 1.0 - pow_delta(v / v0);
  const double s_star = desired_gap(me, v, v - v_leader);
  const double interaction = s_star / std::max(gap, 1e-3);
  return me.max_accel_mps2 * (free - interaction * interaction);
}

// Acceleration on a free road.
inline double free_acceleration(const VehicleType& me, double v, double v0) {
  return me.max_accel_mps2 * (1.0 - pow_delta(v / v0));
}

// Equilibrium gap at speed v (acceleration zero behind a leader at the same speed).
inline double equilibrium_gap(const VehicleType& me, double v, double v0) {
  return (me.min_gap_m + v * me.headway_s) / std::sqrt(1.0 - pow_delta(v / v0));
}

}  // namespace parktwin::traffic::idm

namespace parktwin::traffic::krauss {

// Krauss model (S. Krauss, DLR report 98-08, 1998), SUMO's default car follower: the safe
// speed lets the follower stop behind a leader that brakes at the same comfortable rate b,
// with reaction time tau: v_safe = -tau b + sqrt((tau b)^2 + v_l^2 + 2 b gap).
inline double safe_speed(const VehicleType& me, double gap, double v_leader) {
  const double tb = me.headway_s * me.usual_decel_mps2;
  return -tb +
         std::sqrt(tb * tb + v_leader * v_leader + 2.0 * me.usual_decel_mps2 * std::max(gap, 0.0));
}

// Driver imperfection: the desired speed is reduced by a random share (u in [0, 1)) of sigma
// times one step of acceleration, or of the speed itself when slower than that, so a
// starting vehicle still starts (as SUMO's Krauss dawdling).
inline double dawdle(const VehicleType& me, double v_desired, double u, double dt) {
  const double step_accel = me.max_accel_mps2 * dt;
  const double cut = v_desired < step_accel ? me.sigma * v_desired * u : me.sigma * step_accel * u;
  return std::max(0.0, v_desired - cut);
}

}  // namespace parktwin::traffic::krauss

#pragma once
// Lane changing: MOBIL, A. Kesting, M. Treiber and D. Helbing, "General lane-changing model
// MOBIL for car-following models", Transportation Research Record 1999, 86-94 (2007).
//
// A vehicle changes to an adjacent lane when
//   safety:    the new follower's acceleration after the change  >= -b_safe, and
//   incentive: a'_c - a_c + p [(a'_n - a_n) + (a'_o - a_o)]  >  threshold     (Eq. 6-7)
// with c the changer, n its new follower, o its old follower, primes after the change, and
// p the politeness. Mandatory changes (the current lane has no link to the next road of the
// route) need only safety. Accelerations are evaluated with the IDM (Eq. 1-2 of Treiber et
// al. 2000) for every vehicle type: MOBIL is defined on top of an acceleration function,
// and the IDM is the one it was calibrated with.

#include "sim/traffic/car_following.h"

namespace parktwin::traffic::mobil {

struct Params {
  double politeness = 0.3;       // p, Kesting et al. 2007, Table 1 (0.2 ... 0.5)
  double threshold_mps2 = 0.2;   // delta a_th, Table 1 (0.1 ... 0.2)
  double safe_decel_mps2 = 4.0;  // b_safe, Table 1
  double cooldown_s = 3.0;       // no second change this soon (damps ping-pong)
};

// IDM acceleration of a vehicle of type t at speed v behind a leader `gap` ahead at speed
// v_leader (no leader: gap < 0). v0 is its desired speed.
inline double accel(const VehicleType& t, double v, double v0, double gap, double v_leader) {
  return gap < 0.0 ? idm::free_acceleration(t, v, v0)
                   : idm::acceleration(t, v, v0, std::max(gap, 0.01), v_leader);
}

inline bool incentive(double gain_self, double gain_new_follower, double gain_old_follower,
                      const Params& p) {
  return gain_self + p.politeness * (gain_new_follower + gain_old_follower) > p.threshold_mps2;
}

}  // namespace parktwin::traffic::mobil

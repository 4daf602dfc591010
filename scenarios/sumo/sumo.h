#pragma once
// Import of SUMO's network and route files as netconvert / netgenerate / duarouter 1.15
// write them: https://sumo.dlr.de/docs/Networks/SUMO_Road_Networks.html and
// https://sumo.dlr.de/docs/Definition_of_Vehicles,_Vehicle_Types,_and_Routes.html.
// Every inconsistency is a parktwin::Error naming the file, the line and the element.

#include <string>
#include <vector>

#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"

namespace parktwin::scenarios {

// Builds the network from a .net.xml (root element <net>):
// - roads: the <edge>s that are not internal, crossings or walking areas; junctions: the
//   <junction>s that are not internal, dead ends being virtual boundary nodes;
// - lanes keep the file's shape, length and speed; SUMO numbers lanes from the right (0 =
//   rightmost), we from the left, so our index = lane count - 1 - SUMO's index;
// - links: one per <connection> between two roads, one movement each; its geometry follows
//   the chain of internal lanes from `via` (length = the sum of their lengths, speed limit =
//   the lowest of theirs); without `via`, a straight segment from lane end to lane start;
// - signals: the static <tlLogic> named by the connections' `tl`; state character
//   `linkIndex` of each phase says whether the connection is green (G or g) in it;
// - right of way: each link yields to the links set in its junction's <request response>.
traffic::Network import_sumo_net(const std::string& path);

// What SUMO says about a vehicle type that traffic::VehicleType has no field for (yet).
struct SumoTypeParams {
  std::string id;
  std::string vclass = "passenger";
  std::string car_follow_model = "Krauss";
  double sigma = 0.5;             // driver imperfection of the Krauss model, 0..1
  double speed_factor = 1.0;      // mean multiplier on the lane speed limit (desired speed)
  double speed_dev = 0.1;         // its standard deviation across vehicles
  double speed_factor_min = 0.2;  // normc bounds (SUMO's defaults when not given)
  double speed_factor_max = 2.0;
};

struct SumoDemand {
  traffic::Demand demand;
  std::vector<SumoTypeParams> type_params;  // parallel to demand.types
};

// Reads a .rou.xml / .trips.xml (root element <routes>): <vType>, <vTypeDistribution> (each
// vehicle draws a member by the weights, with the counter-based generator), <route>,
// <vehicle>, <trip> and <flow> (vehsPerHour, period or number; probability is refused). Trips and
// flows given by from/to take the fastest route at free flow (traffic/routing.h). Trips
// departing at or after horizon_s are dropped; the rest are sorted by departure, ties in
// file order.
SumoDemand read_sumo_routes(const std::string& path, const traffic::Network& net, double horizon_s);
traffic::Demand import_sumo_routes(const std::string& path, const traffic::Network& net,
                                   double horizon_s);

}  // namespace parktwin::scenarios

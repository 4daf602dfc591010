#pragma once
// Import of SUMO's network and route files as netconvert / netgenerate / duarouter 1.15
// write them: https://sumo.dlr.de/docs/Networks/SUMO_Road_Networks.html and
// https://sumo.dlr.de/docs/Definition_of_Vehicles,_Vehicle_Types,_and_Routes.html.
// Every inconsistency is a parktwin::Error naming the file, the line and the element.

#include <cstdint>
#include <optional>
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
// - additional files (a .sumocfg's): a <tlLogic> replaces the network's program of that id
//   (one for a traffic light no junction has is an error); <inductionLoop>/<e1Detector>
//   become loop detectors (Network::detector_*; pos < 0 counts from the lane's end).
traffic::Network import_sumo_net(const std::string& path,
                                 const std::vector<std::string>& additional_files = {});

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
// The same over several files, as SUMO loads them: the additional files first (root
// <additional>: vTypes, vTypeDistributions and routes only), then the route files, each seeing
// the types and routes of those before it; trips of all files sorted by departure together.
// Departures in [begin_s, begin_s + horizon_s) are kept, shifted by -begin_s (a .sumocfg's
// begin is the simulation's t = 0).
SumoDemand read_sumo_routes(const std::vector<std::string>& route_files,
                            const std::vector<std::string>& additional_files,
                            const traffic::Network& net, double begin_s, double horizon_s);
traffic::Demand import_sumo_routes(const std::string& path, const traffic::Network& net,
                                   double horizon_s);

// A SUMO configuration (.sumocfg, root <configuration>), as far as parktwin reads it
// (https://sumo.dlr.de/docs/Basics/Using_the_Command_Line_Applications.html#configuration_files):
// net-file, route-files and additional-files (comma-separated, relative to the file's folder),
// begin, end, step-length, seed and time-to-teleport, in sections or not. Options of the output,
// report and gui_only sections (and any *-output) are accepted and have no effect; any other option
// is an error naming the file, line and option, never silently dropped.
struct SumoConfig {
  std::string path;
  std::string net_file;
  std::vector<std::string> route_files, additional_files;
  double begin_s = 0.0;
  double end_s = -1.0;  // < 0: not given
  double step_length_s = 1.0;
  std::optional<std::uint64_t> seed;
  std::optional<double> time_to_teleport_s;  // <= 0: never
};
SumoConfig read_sumocfg(const std::string& path);
// Whether the XML file's root element is <configuration>.
bool is_sumocfg(const std::string& path);

}  // namespace parktwin::scenarios

#include "cityflow_fixture.h"

#include <fmt/format.h>

#include "scenarios/cityflow/cityflow.h"

namespace parktwin::test {

namespace {
Json point(double x, double y) { return {{"x", x}, {"y", y}}; }
std::string node(int i) { return fmt::format("n{}", i); }
std::string road(int i) { return fmt::format("r{}", i); }
}  // namespace

Json corridor_roadnet(int junctions, double length_m, double speed_limit_mps, double green_s,
                      double red_s) {
  const int nodes = junctions + 2;
  Json inters = Json::array(), roads = Json::array();
  for (int i = 0; i < nodes; ++i) {
    const bool is_virtual = i == 0 || i == nodes - 1;
    Json in = {{"id", node(i)},
               {"point", point(i * length_m, 0)},
               {"width", is_virtual ? 0.0 : 10.0},
               {"virtual", is_virtual},
               {"roads", Json::array()},
               {"roadLinks", Json::array()}};
    if (!is_virtual) {
      in["roadLinks"].push_back(
          {{"type", "go_straight"},
           {"startRoad", road(i - 1)},
           {"endRoad", road(i)},
           {"direction", 0},
           {"laneLinks",
            Json::array({{{"startLaneIndex", 0},
                          {"endLaneIndex", 0},
                          {"points", Json::array({point(i * length_m - 10, -2),
                                                  point(i * length_m + 10, -2)})}}})}});
      if (green_s > 0) {
        in["trafficLight"] = {
            {"roadLinkIndices", {0}},
            {"lightphases",
             Json::array({{{"time", green_s}, {"availableRoadLinks", {0}}},
                          {{"time", red_s}, {"availableRoadLinks", Json::array()}}})}};
      }
    }
    inters.push_back(in);
  }
  for (int i = 0; i + 1 < nodes; ++i) {
    roads.push_back(
        {{"id", road(i)},
         {"points", Json::array({point(i * length_m, 0), point((i + 1) * length_m, 0)})},
         {"lanes", Json::array({{{"width", 4.0}, {"maxSpeed", speed_limit_mps}}})},
         {"startIntersection", node(i)},
         {"endIntersection", node(i + 1)}});
  }
  return {{"intersections", inters}, {"roads", roads}};
}

Json cityflow_vehicle() {
  return {{"length", 5.0},    {"width", 2.0},       {"maxPosAcc", 2.0},
          {"maxNegAcc", 4.5}, {"usualPosAcc", 2.0}, {"usualNegAcc", 4.5},
          {"minGap", 2.5},    {"maxSpeed", 11.111}, {"headwayTime", 2.0}};
}

Json corridor_flow(int junctions, double interval_s, double start_s, double end_s,
                   const Json& vehicle) {
  Json route = Json::array();
  for (int i = 0; i <= junctions; ++i) route.push_back(road(i));
  return Json::array({{{"vehicle", vehicle},
                       {"route", route},
                       {"interval", interval_s},
                       {"startTime", start_s},
                       {"endTime", end_s}}});
}

traffic::Network network_from(const Json& roadnet) {
  return scenarios::import_cityflow_roadnet(roadnet, "test_roadnet.json");
}

traffic::Demand demand_from(const Json& flow, const traffic::Network& net, double horizon_s) {
  return scenarios::import_cityflow_flow(flow, "test_flow.json", net, horizon_s);
}

std::string assets_dir() { return std::string(PARKTWIN_SOURCE_DIR) + "/assets"; }

}  // namespace parktwin::test

#include "scenarios/traffic_inputs.h"

#include <cctype>
#include <fstream>

#include "engine/error.h"
#include "scenarios/cityflow/cityflow.h"

namespace parktwin::scenarios {

InputFormat detect_format(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open file").in_file(path).expected("a readable file");
  char c = 0;
  while (in.get(c) && std::isspace(static_cast<unsigned char>(c))) {
  }
  if (c == '{' || c == '[') return InputFormat::cityflow_json;
  if (c == '<') return InputFormat::sumo_xml;
  throw Error("unknown file format")
      .in_file(path)
      .expected("CityFlow JSON (starting with '{' or '[') or SUMO XML (starting with '<')")
      .found(in ? std::string("'") + c + "'" : std::string("an empty file"));
}

namespace {
[[noreturn]] void sumo_not_yet(const std::string& path) {
  throw Error("SUMO XML input is recognised but its importer has not landed yet")
      .in_file(path)
      .expected("a CityFlow JSON file for now");
}
}  // namespace

traffic::Network load_network(const std::string& path) {
  if (detect_format(path) == InputFormat::sumo_xml) sumo_not_yet(path);
  const Json doc = read_json_file(path);
  if (!is_cityflow_roadnet(doc)) {
    throw Error("JSON file is not a CityFlow roadnet")
        .in_file(path)
        .expected("an object with \"intersections\" and \"roads\"");
  }
  return import_cityflow_roadnet(doc, path);
}

traffic::Demand load_demand(const std::string& path, const traffic::Network& net,
                            double horizon_s) {
  if (detect_format(path) == InputFormat::sumo_xml) sumo_not_yet(path);
  const Json doc = read_json_file(path);
  if (!is_cityflow_flow(doc)) {
    throw Error("JSON file is not a CityFlow flow file")
        .in_file(path)
        .expected("an array of flows with \"vehicle\" and \"route\"");
  }
  return import_cityflow_flow(doc, path, net, horizon_s);
}

}  // namespace parktwin::scenarios

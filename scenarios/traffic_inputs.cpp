#include "scenarios/traffic_inputs.h"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <string_view>

#include "engine/error.h"
#include "engine/input_file.h"
#include "scenarios/cityflow/cityflow.h"
#include "scenarios/od_matrix.h"
#include "scenarios/sumo/sumo.h"

namespace parktwin::scenarios {

InputFormat detect_format(const std::string& path) {
  require_input_file(path, "a readable file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open file").in_file(path).expected("a readable file");
  // A UTF-8 byte order mark (as Windows editors write) is not content: nlohmann and pugixml
  // skip it too.
  char bom[3] = {};
  in.read(bom, 3);
  if (!(in.gcount() == 3 && std::string_view(bom, 3) == "\xEF\xBB\xBF")) {
    in.clear();
    in.seekg(0);
  }
  char c = 0;
  while (in.get(c) && std::isspace(static_cast<unsigned char>(c))) {
  }
  if (c == '{' || c == '[') return InputFormat::cityflow_json;
  if (c == '<') return InputFormat::sumo_xml;
  if (is_od_matrix(path)) return InputFormat::od_csv;
  throw Error("unknown file format")
      .in_file(path)
      .expected(
          "CityFlow JSON (starting with '{' or '['), SUMO XML (starting with '<') or an "
          "OD matrix CSV (header origin,destination,...)")
      .found(!in ? std::string("an empty file")
             : std::isprint(static_cast<unsigned char>(c))
                 ? std::string("'") + c + "'"
                 : fmt::format("the byte 0x{:02x}", static_cast<unsigned char>(c)));
}

traffic::Network load_network(const std::string& path) {
  // SUMO XML: the importer checks the root element (<net>) and names it if it is another.
  const InputFormat format = detect_format(path);
  if (format == InputFormat::sumo_xml) {
    if (is_sumocfg(path)) {
      const SumoConfig c = read_sumocfg(path);
      return import_sumo_net(c.net_file, c.additional_files);
    }
    return import_sumo_net(path);
  }
  if (format == InputFormat::od_csv) {
    throw Error("an OD matrix is demand, not a road network")
        .in_file(path)
        .expected("a CityFlow roadnet JSON or SUMO .net.xml");
  }
  return read_cityflow_roadnet(path);
}

traffic::Demand load_demand(const std::string& path, const traffic::Network& net,
                            double horizon_s) {
  // SUMO XML: the importer checks the root element (<routes>) and names it if it is another.
  const InputFormat format = detect_format(path);
  if (format == InputFormat::sumo_xml && is_sumocfg(path)) {
    // A configuration's begin is t = 0: departures before it are dropped, the rest shifted.
    const SumoConfig c = read_sumocfg(path);
    return read_sumo_routes(c.route_files, c.additional_files, net, c.begin_s, horizon_s).demand;
  }
  if (format == InputFormat::sumo_xml) return import_sumo_routes(path, net, horizon_s);
  if (format == InputFormat::od_csv) return import_od_matrix(path, net, horizon_s);
  return read_cityflow_flow(path, net, horizon_s);
}

}  // namespace parktwin::scenarios

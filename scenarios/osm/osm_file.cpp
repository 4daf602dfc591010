#include "scenarios/osm/osm_file.h"

#include <fmt/format.h>

#include <string_view>
#include <unordered_set>

#include "engine/error.h"
#include "engine/input_file.h"
#include "scenarios/sumo/sumo_xml.h"

namespace parktwin::scenarios::osm {

namespace {

using sumo::XmlFile;

bool gone(pugi::xml_node n) {
  return std::string_view(n.attribute("action").value()) == "delete" ||
         std::string_view(n.attribute("visible").value()) == "false";
}

void require_osm_root(const XmlFile& f) {
  if (std::string_view(f.root().name()) != "osm") {
    f.fail(f.root(), "", "not an OpenStreetMap XML file", "root element <osm>",
           fmt::format("<{}>", f.root().name()));
  }
}

}  // namespace

const std::string& Way::tag(const std::string& key) const {
  static const std::string kNoValue;
  for (const auto& [k, v] : tags) {
    if (k == key) return v;
  }
  return kNoValue;
}

OsmMap read_osm(const std::string& path) {
  const XmlFile f(path);
  require_osm_root(f);
  OsmMap map;
  map.path = path;
  std::unordered_map<std::string, LatLon> nodes;
  for (pugi::xml_node n = f.root().child("node"); n; n = n.next_sibling("node")) {
    if (gone(n)) {
      ++map.deleted;
      continue;
    }
    const std::string id = f.text(n, "id", "node");
    const std::string what = "node " + sumo::quoted(id);
    const LatLon p{f.number(n, "lat", what), f.number(n, "lon", what)};
    if (!(p.lat >= -90.0 && p.lat <= 90.0) || !(p.lon >= -180.0 && p.lon <= 180.0)) {
      f.fail(n, what, "coordinates out of range", "lat in [-90, 90], lon in [-180, 180]",
             fmt::format("{}, {}", p.lat, p.lon));
    }
    nodes.emplace(id, p);
  }
  for (pugi::xml_node w = f.root().child("way"); w; w = w.next_sibling("way")) {
    if (gone(w)) {
      ++map.deleted;
      continue;
    }
    Way way;
    way.id = f.text(w, "id", "way");
    way.line = f.line_of(w);
    std::string first, last;
    for (pugi::xml_node nd = w.child("nd"); nd; nd = nd.next_sibling("nd")) {
      const std::string ref = nd.attribute("ref").value();
      if (first.empty()) first = ref;
      last = ref;
      const auto it = nodes.find(ref);
      if (it == nodes.end()) {
        way.missing_nodes = true;
      } else {
        way.points.push_back(it->second);
      }
    }
    way.closed = !first.empty() && first == last && way.points.size() >= 4;
    for (pugi::xml_node t = w.child("tag"); t; t = t.next_sibling("tag")) {
      way.tags.emplace_back(t.attribute("k").value(), t.attribute("v").value());
    }
    map.ways.push_back(std::move(way));
  }
  for (pugi::xml_node r = f.root().child("relation"); r; r = r.next_sibling("relation")) {
    if (gone(r)) ++map.deleted;
  }
  return map;
}

std::size_t write_osm_without_deleted(const std::string& in, const std::string& out) {
  require_input_file(in, "an OpenStreetMap XML file");
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_file(in.c_str());
  if (!parsed) {
    throw Error("cannot read OpenStreetMap XML").in_file(in).found(parsed.description());
  }
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "osm") {
    throw Error("not an OpenStreetMap XML file")
        .in_file(in)
        .expected("root element <osm>")
        .found(fmt::format("<{}>", root.name()));
  }
  std::size_t dropped = 0;
  std::unordered_set<std::string> dropped_nodes;
  for (pugi::xml_node n = root.first_child(); n;) {
    const pugi::xml_node next = n.next_sibling();
    if (n.type() == pugi::node_element && gone(n)) {
      if (std::string_view(n.name()) == "node") dropped_nodes.insert(n.attribute("id").value());
      root.remove_child(n);
      ++dropped;
    }
    n = next;
  }
  // Ways and relations that still name a deleted node or member lose that reference.
  for (pugi::xml_node n = root.first_child(); n; n = n.next_sibling()) {
    for (pugi::xml_node c = n.first_child(); c;) {
      const pugi::xml_node next = c.next_sibling();
      const bool node_ref = std::string_view(c.name()) == "nd" ||
                            (std::string_view(c.name()) == "member" &&
                             std::string_view(c.attribute("type").value()) == "node");
      if (node_ref && dropped_nodes.count(c.attribute("ref").value()) != 0) {
        n.remove_child(c);
      }
      c = next;
    }
  }
  if (!doc.save_file(out.c_str(), "  ", pugi::format_default, pugi::encoding_utf8)) {
    throw Error("cannot write file").in_file(out);
  }
  return dropped;
}

}  // namespace parktwin::scenarios::osm

// SUMO configuration files (.sumocfg): see sumo.h.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "engine/input_file.h"
#include "scenarios/sumo/sumo.h"
#include "scenarios/sumo/sumo_xml.h"

namespace parktwin::scenarios {

namespace fs = std::filesystem;

namespace {

using sumo::XmlFile;

// Sections and options that only say what SUMO prints, writes or shows: they change nothing
// of what is simulated, so a configuration may keep them (parktwin writes its own run file).
bool only_reports(std::string_view section, std::string_view option) {
  if (section == "output" || section == "report" || section == "gui_only") return true;
  constexpr std::string_view kReports[] = {"verbose",
                                           "no-step-log",
                                           "no-warnings",
                                           "duration-log.statistics",
                                           "duration-log.disable",
                                           "log",
                                           "message-log",
                                           "error-log",
                                           "xml-validation",
                                           "xml-validation.net",
                                           "xml-validation.routes",
                                           "print-options",
                                           "save-configuration",
                                           "write-license"};
  return std::find(std::begin(kReports), std::end(kReports), option) != std::end(kReports) ||
         (option.size() > 7 && option.substr(option.size() - 7) == "-output");
}

// A file list as SUMO writes it: comma-separated (spaces around names allowed), each name
// relative to the configuration's folder.
std::vector<std::string> file_list(const XmlFile& f, pugi::xml_node n, const std::string& what) {
  const std::string value = f.text(n, "value", what);
  std::vector<std::string> out;
  std::string name;
  const auto flush = [&] {
    if (name.empty()) return;
    const fs::path p(name);
    const fs::path resolved =
        (p.is_absolute() ? p : fs::path(f.path()).parent_path() / p).lexically_normal();
    if (std::string why; !is_input_file(resolved.string(), why)) {
      f.fail(n, what, "file not found", "an existing file",
             resolved.string() + (why == "no such file" ? "" : ": " + why));
    }
    out.push_back(resolved.string());
    name.clear();
  };
  for (const char c : value) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else {
      name += c;
    }
  }
  flush();
  if (out.empty())
    f.fail(n, what, "empty file list", "one or more file names", sumo::quoted(value));
  return out;
}

double time_value(const XmlFile& f, pugi::xml_node n, const std::string& what) {
  const std::string value = f.text(n, "value", what);
  double t = 0.0;
  if (!sumo::parse_time(value, t)) {
    f.fail(n, what, "not a time", "seconds or [[d:]h:]m:s", sumo::quoted(value));
  }
  return t;
}

}  // namespace

bool is_sumocfg(const std::string& path) {
  // The first element's name, from the file's start (a network may be large: not parsed
  // whole here), past the XML declaration, comments and a DOCTYPE.
  std::string why;
  if (!is_input_file(path, why)) return false;  // its reader says why
  std::ifstream in(path, std::ios::binary);
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  std::size_t i = 0;
  while (true) {
    i = head.find('<', i);
    if (i == std::string::npos || i + 1 >= head.size()) return false;
    if (head.compare(i, 4, "<!--") == 0) {
      i = head.find("-->", i);
    } else if (head[i + 1] == '?' || head[i + 1] == '!') {
      i = head.find('>', i);
    } else {
      return head.compare(i + 1, 13, "configuration") == 0 &&
             (i + 14 >= head.size() || !std::isalnum(static_cast<unsigned char>(head[i + 14])));
    }
    if (i == std::string::npos) return false;
  }
}

SumoConfig read_sumocfg(const std::string& path) {
  const XmlFile f(path);
  const pugi::xml_node root = f.root();
  if (std::string_view(root.name()) != "configuration") {
    f.fail(root, "", "SUMO XML file is not a configuration", "root element <configuration>",
           fmt::format("<{}>", root.name()));
  }
  SumoConfig c;
  c.path = path;
  const auto option = [&](std::string_view section, pugi::xml_node n) {
    const std::string name = n.name();
    const std::string what = fmt::format("<{}>", name);
    if (name == "net-file") {
      const std::vector<std::string> files = file_list(f, n, what);
      if (files.size() != 1) {
        f.fail(n, what, "one network file", "one file name", std::to_string(files.size()));
      }
      c.net_file = files.front();
    } else if (name == "route-files") {
      c.route_files = file_list(f, n, what);
    } else if (name == "additional-files") {
      c.additional_files = file_list(f, n, what);
    } else if (name == "begin") {
      c.begin_s = time_value(f, n, what);
    } else if (name == "end") {
      c.end_s = time_value(f, n, what);
    } else if (name == "step-length") {
      c.step_length_s = time_value(f, n, what);
      if (!(c.step_length_s > 0.0)) {
        f.fail(n, what, "step-length must be positive", "> 0 s",
               sumo::quoted(n.attribute("value").value()));
      }
    } else if (name == "seed") {
      const long long seed = f.integer(n, "value", what);
      if (seed < 0) f.fail(n, what, "negative seed", ">= 0", std::to_string(seed));
      c.seed = static_cast<std::uint64_t>(seed);
    } else if (name == "time-to-teleport") {
      c.time_to_teleport_s = time_value(f, n, what);
    } else if (!only_reports(section, name)) {
      f.fail(n, what, "SUMO option not supported by parktwin (yet)",
             "net-file, route-files, additional-files, begin, end, step-length, seed, "
             "time-to-teleport, or "
             "options of output, report and gui_only",
             what);
    }
  };
  for (pugi::xml_node n = root.first_child(); n; n = n.next_sibling()) {
    if (n.type() != pugi::node_element) continue;
    if (sumo::has_attr(n, "value")) {  // an option outside any section
      option("", n);
      continue;
    }
    for (pugi::xml_node o = n.first_child(); o; o = o.next_sibling()) {
      if (o.type() == pugi::node_element) option(n.name(), o);
    }
  }
  if (c.net_file.empty()) f.fail(root, "", "no network", "<net-file value=\"...\"/>");
  if (c.route_files.empty()) f.fail(root, "", "no route files", "<route-files value=\"...\"/>");
  if (c.end_s >= 0.0 && !(c.end_s > c.begin_s)) {
    f.fail(root, "<end>", "the simulation ends before it begins",
           fmt::format("end > begin ({} s)", c.begin_s), fmt::format("{} s", c.end_s));
  }
  return c;
}

}  // namespace parktwin::scenarios

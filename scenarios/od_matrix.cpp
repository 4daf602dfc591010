#include "scenarios/od_matrix.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "engine/error.h"
#include "engine/input_file.h"
#include "scenarios/csv_cells.h"
#include "sim/traffic/routing.h"

namespace parktwin::scenarios {

using traffic::Index;

namespace {

struct Window {
  double start_s, end_s;
};

}  // namespace

bool is_od_matrix(const std::string& path) {
  // Only the file's head: its header is one of the first lines, and a file of any size (2 GB
  // without a line break) is ruled out after a bounded read.
  std::string why;
  if (!is_input_file(path, why)) return false;
  std::ifstream in(path, std::ios::binary);
  std::string text(64 * 1024, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  std::istringstream head(text);
  std::string line;
  while (std::getline(head, line)) {
    if (is_comment_or_blank(line)) continue;
    const auto cells = split_csv(line);
    return cells.size() >= 2 && cells[0] == "origin" && cells[1] == "destination";
  }
  return false;
}

traffic::Demand import_od_matrix(const std::string& path, const traffic::Network& net,
                                 double horizon_s) {
  require_input_file(path, "a readable OD matrix CSV");
  std::ifstream in(path);
  if (!in) throw Error("cannot open file").in_file(path).expected("a readable OD matrix CSV");
  auto fail = [&](int line, int column, const std::string& field, const std::string& msg,
                  const std::string& expected, const std::string& found) {
    throw_csv_error(path, line, column, field, msg, expected, found);
  };

  std::unordered_map<std::string, Index> road_of;
  for (std::size_t r = 0; r < net.road_count(); ++r)
    road_of.emplace(net.road_id[r], static_cast<Index>(r));

  traffic::Demand d;
  d.types.push_back(traffic::VehicleType{});
  d.types.back().name = "od_car";
  struct Pending {
    double depart_s;
    std::size_t row, window, k;
    Index route_begin, route_length;
  };
  std::vector<Pending> pending;
  std::vector<Window> windows;
  const traffic::Router router(net);
  std::string line;
  int line_no = 0;
  bool header = false;
  std::size_t row = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (is_comment_or_blank(line)) continue;
    const std::vector<std::string> cells = split_csv(line);
    if (!header) {
      if (cells.size() < 3 || cells[0] != "origin" || cells[1] != "destination") {
        fail(line_no, 1, "header", "not an OD matrix header",
             "origin,destination,<start>-<end>,...", line.substr(0, 60));
      }
      for (std::size_t c = 2; c < cells.size(); ++c) {
        const auto dash = cells[c].find('-');
        Window w{};
        if (dash == std::string::npos || !parse_double(cells[c].substr(0, dash), w.start_s) ||
            !parse_double(cells[c].substr(dash + 1), w.end_s) || !(w.end_s > w.start_s) ||
            w.start_s < 0.0) {
          fail(line_no, static_cast<int>(c + 1), "header", "bad time window",
               "<start>-<end> in seconds with 0 <= start < end", "'" + cells[c] + "'");
        }
        if (!windows.empty() && w.start_s < windows.back().end_s) {
          fail(line_no, static_cast<int>(c + 1), "header", "time windows overlap or go back",
               fmt::format("a start >= {}", windows.back().end_s), "'" + cells[c] + "'");
        }
        windows.push_back(w);
      }
      header = true;
      continue;
    }
    if (cells.size() != windows.size() + 2) {
      fail(line_no, 1, "row", "wrong number of cells",
           fmt::format("{} (origin, destination and one per window)", windows.size() + 2),
           std::to_string(cells.size()));
    }
    auto road = [&](std::size_t c, const char* what) {
      const auto it = road_of.find(cells[c]);
      if (it == road_of.end()) {
        fail(line_no, static_cast<int>(c + 1), what, "unknown road", "a road id of the network",
             "'" + cells[c] + "'");
      }
      return it->second;
    };
    const Index origin = road(0, "origin"), destination = road(1, "destination");
    const std::vector<Index> route = router.route(origin, destination);
    if (route.empty()) {
      fail(line_no, 2, "destination", "destination cannot be reached from the origin",
           fmt::format("a road reachable from '{}'", cells[0]), "'" + cells[1] + "'");
    }
    const Index begin = static_cast<Index>(d.route_roads.size());
    d.route_roads.insert(d.route_roads.end(), route.begin(), route.end());
    for (std::size_t w = 0; w < windows.size(); ++w) {
      double count = 0.0;
      const std::string& cell = cells[w + 2];
      if (!parse_double(cell, count) || count < 0.0 || count != std::floor(count)) {
        fail(line_no, static_cast<int>(w + 3), "vehicles", "bad vehicle count",
             "a whole number >= 0", "'" + cell + "'");
      }
      if (static_cast<double>(pending.size()) + count > static_cast<double>(traffic::kMaxTrips)) {
        fail(line_no, static_cast<int>(w + 3), "vehicles", "too many trips",
             fmt::format("at most {} trips in all", traffic::kMaxTrips), "'" + cell + "'");
      }
      const auto n = static_cast<std::size_t>(count);
      const double width = windows[w].end_s - windows[w].start_s;
      for (std::size_t k = 0; k < n; ++k) {
        const double t = windows[w].start_s + (static_cast<double>(k) + 0.5) * width / count;
        if (t < horizon_s) {
          pending.push_back({t, row, w, k, begin, static_cast<Index>(route.size())});
        }
      }
    }
    ++row;
  }
  if (!header)
    fail(line_no, 1, "header", "no header line", "origin,destination,<windows>", "end of file");
  std::stable_sort(pending.begin(), pending.end(),
                   [](const Pending& a, const Pending& b) { return a.depart_s < b.depart_s; });
  for (const Pending& p : pending) {
    d.trips.push_back({p.depart_s, 0, p.route_begin, p.route_length});
    d.trip_id.push_back(fmt::format("od_{}_{}_{}", p.row, p.window, p.k));
  }
  traffic::validate(d, net, path);
  return d;
}

}  // namespace parktwin::scenarios

// parktwin export: a run file as CSV files for spreadsheet users, one per table:
//   meta.csv, kpi.csv                      name,value
//   network_<table>.csv                    one row per junction / road / lane / link
//   buildings.csv, feeders.csv             one row per building / feeder (with buildings)
//   series_totals.csv                      time_s and the network totals, one row per sample
//   series_<quantity>.csv                  time_s and one column per lane or signal
//   series_buildings_totals.csv            time_s and the site's building quantities
//   series_buildings_<quantity>.csv        time_s and one column per building
//   series_energy_totals.csv, series_energy_<quantity>.csv: the same for the electricity,
//                                          one column per building or per feeder
// Existing files are never overwritten without --force; each file is written beside its
// target and renamed, so a failed export leaves no half file.

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>

#include "engine/error.h"
#include "scenarios/hdf5/h5.h"
#include "scenarios/run_file.h"
#include "tools/cli_checks.h"
#include "tools/command.h"

namespace parktwin::cli {

namespace {

namespace fs = std::filesystem;

struct ExportOptions {
  std::string file;
  std::string csv_dir;
  bool force = false;
};

// A CSV field: quoted when it holds a comma, quote or line break (RFC 4180).
std::string field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

class CsvFiles {
 public:
  CsvFiles(fs::path dir, bool force) : dir_(std::move(dir)), force_(force) {}

  void write(const std::string& name, const std::string& text) {
    const fs::path target = dir_ / name;
    if (fs::is_directory(target)) {
      throw Error("is a folder").in_file(target.string()).expected("a CSV file name");
    }
    if (fs::exists(target) && !force_) {
      throw Error("output file exists")
          .in_file(target.string())
          .expected("another --csv folder, or --force to overwrite");
    }
    write_file_atomically(target, text);
    written_.push_back(name);
  }
  const std::vector<std::string>& written() const { return written_; }

 private:
  fs::path dir_;
  bool force_;
  std::vector<std::string> written_;
};

// Any numeric dataset as text values, row-major.
std::vector<std::string> values_as_text(hid_t group, const std::string& name,
                                        const std::string& type, const std::string& path) {
  std::vector<std::string> out;
  const auto put = [&](const auto& values) {
    out.reserve(values.size());
    for (const auto v : values) out.push_back(fmt::format("{}", v));
  };
  if (type == "string") return h5::read_strings(group, name, path);
  if (type == "f64")
    put(h5::read_column<double>(group, name, path));
  else if (type == "f32")
    put(h5::read_column<float>(group, name, path));
  else if (type == "i64")
    put(h5::read_column<std::int64_t>(group, name, path));
  else if (type == "u64")
    put(h5::read_column<std::uint64_t>(group, name, path));
  else if (type == "u32")
    put(h5::read_column<std::uint32_t>(group, name, path));
  else if (type == "u16")
    put(h5::read_column<std::uint16_t>(group, name, path));
  else if (type == "u8")
    put(h5::read_column<std::uint8_t>(group, name, path));
  else
    throw Error("dataset of an unexpected type").in_file(path).field(name).found(type);
  return out;
}

std::string name_value_csv(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string text = "name,value\n";
  for (const auto& [n, v] : rows) text += field(n) + "," + field(v) + "\n";
  return text;
}

[[noreturn]] void bad_dataset(const std::string& file, const std::string& dataset,
                              const std::string& message, const std::string& expected,
                              const std::string& found) {
  throw Error(message).in_file(file).field(dataset).expected(expected).found(found);
}

// A series has a row per time (a row more after a crash, never fewer) and a column per entity:
// anything else is a damaged file, read no further.
void check_series_shape(const h5::DatasetInfo& d, std::size_t times, const std::string& file) {
  if (d.shape.size() != 1 && d.shape.size() != 2) {
    bad_dataset(file, d.path, "wrong shape", "1 or 2 dimensions",
                fmt::format("{} dimensions", d.shape.size()));
  }
  if (d.shape[0] < times) {
    bad_dataset(file, d.path, "too few rows", fmt::format("{}, as /series/time_s", times),
                std::to_string(d.shape[0]));
  }
}

int export_csv(const ExportOptions& o, const CommandContext& ctx) {
  const scenarios::RunFileSummary summary = scenarios::summarize_run_file(o.file);
  if (fs::exists(o.csv_dir) && !fs::is_directory(o.csv_dir)) {
    throw Error("not a folder").in_file(o.csv_dir).expected("a folder for the CSV files");
  }
  create_output_folder(o.csv_dir, "--csv", "a folder for the CSV files");
  CsvFiles files(o.csv_dir, o.force);
  files.write("meta.csv", name_value_csv(summary.meta));
  if (!summary.kpis.empty()) files.write("kpi.csv", name_value_csv(summary.kpis));

  const h5::Handle file = h5::open_file(o.file);
  // Static tables: /network/<table>/<column>, /buildings/<column> and
  // /energy/feeders/<column>, all columns of one table of one length.
  std::map<std::string, std::vector<const h5::DatasetInfo*>> tables;
  for (const h5::DatasetInfo& d : summary.datasets) {
    const std::string folder = d.path.substr(0, d.path.rfind('/'));
    if (d.path.rfind("/network/", 0) == 0) {
      tables["network_" + folder.substr(9)].push_back(&d);
    } else if (folder == "/buildings") {
      tables["buildings"].push_back(&d);
    } else if (folder == "/energy/feeders") {
      tables["feeders"].push_back(&d);
    }
  }
  std::map<std::string, std::vector<std::string>> ids;  // lanes and signals, for headers
  for (const auto& [table, columns] : tables) {
    std::vector<std::vector<std::string>> data;
    std::string text;
    for (const h5::DatasetInfo* c : columns) {
      text += (text.empty() ? "" : ",") + field(c->path.substr(c->path.rfind('/') + 1));
      data.push_back(values_as_text(file.get(), c->path, c->type, o.file));
    }
    text += "\n";
    const std::size_t rows = data.empty() ? 0 : data.front().size();
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t c = 0; c < data.size(); ++c) {
        if (c > 0) text += ',';
        text += field(r < data[c].size() ? data[c][r] : std::string());
      }
      text += "\n";
    }
    files.write(table + ".csv", text);
  }
  {
    // Lane names "<road id>_<index>", signal names by junction id.
    const auto road_id = h5::read_strings(file.get(), "/network/roads/id", o.file);
    const auto lane_road =
        h5::read_column<std::uint32_t>(file.get(), "/network/lanes/road", o.file);
    const auto lane_index =
        h5::read_column<std::uint16_t>(file.get(), "/network/lanes/index", o.file);
    if (lane_index.size() != lane_road.size()) {
      bad_dataset(o.file, "/network/lanes/index", "wrong length",
                  fmt::format("{} values, as /network/lanes/road", lane_road.size()),
                  std::to_string(lane_index.size()));
    }
    for (std::size_t l = 0; l < lane_road.size(); ++l) {
      if (lane_road[l] >= road_id.size()) {
        bad_dataset(o.file, "/network/lanes/road", "no such road",
                    fmt::format("an index below {}", road_id.size()),
                    fmt::format("{} (lane {})", lane_road[l], l));
      }
      ids["lane"].push_back(fmt::format("{}_{}", road_id[lane_road[l]], lane_index[l]));
    }
    const auto junction_id = h5::read_strings(file.get(), "/network/junctions/id", o.file);
    const auto signal =
        h5::read_column<std::int64_t>(file.get(), "/network/junctions/signal", o.file);
    if (signal.size() != junction_id.size()) {
      bad_dataset(o.file, "/network/junctions/signal", "wrong length",
                  fmt::format("{} values, as /network/junctions/id", junction_id.size()),
                  std::to_string(signal.size()));
    }
    std::vector<std::string> signal_name;
    for (std::size_t j = 0; j < signal.size(); ++j) {
      if (signal[j] < 0) continue;
      if (static_cast<std::uint64_t>(signal[j]) >= signal.size()) {  // one signal per junction
        bad_dataset(o.file, "/network/junctions/signal", "no such signal",
                    fmt::format("-1 or an index below {}", signal.size()),
                    fmt::format("{} (junction {})", signal[j], j));
      }
      if (signal_name.size() <= static_cast<std::size_t>(signal[j])) {
        signal_name.resize(static_cast<std::size_t>(signal[j]) + 1);
      }
      signal_name[static_cast<std::size_t>(signal[j])] = junction_id[j];
    }
    ids["signal"] = signal_name;
    if (h5::exists(file.get(), "/buildings/id")) {
      ids["building"] = h5::read_strings(file.get(), "/buildings/id", o.file);
    }
    if (h5::exists(file.get(), "/energy/feeders/name")) {
      ids["feeder"] = h5::read_strings(file.get(), "/energy/feeders/name", o.file);
    }
  }

  // Series: the time axis decides the rows (a series may hold a row more after a crash).
  const auto time_s = h5::read_column<double>(file.get(), "/series/time_s", o.file);
  for (const std::string subsystem : {"traffic", "buildings", "energy"}) {
    const std::string prefix = "/series/" + subsystem + "/";
    // Traffic's files keep their names of before buildings joined.
    const std::string file_prefix =
        subsystem == "traffic" ? "series_" : "series_" + subsystem + "_";
    std::vector<std::pair<std::string, std::vector<std::string>>> totals;
    for (const h5::DatasetInfo& d : summary.datasets) {
      if (d.path.rfind(prefix, 0) != 0) continue;
      const std::string quantity = d.path.substr(prefix.size());
      check_series_shape(d, time_s.size(), o.file);
      const auto values = values_as_text(file.get(), d.path, d.type, o.file);
      if (d.shape.size() == 1) {
        totals.emplace_back(quantity, values);
        continue;
      }
      const std::size_t columns = d.shape[1];
      const auto& names =
          ids[subsystem == "traffic" ? (quantity.rfind("lane_", 0) == 0 ? "lane" : "signal")
                                     : (quantity == "feeder_w" ? "feeder" : "building")];
      std::string text = "time_s";
      for (std::size_t c = 0; c < columns; ++c) {
        text += "," + field(c < names.size() ? names[c] : std::to_string(c));
      }
      text += "\n";
      for (std::size_t r = 0; r < time_s.size(); ++r) {
        text += fmt::format("{}", time_s[r]);
        for (std::size_t c = 0; c < columns; ++c) text += "," + values[r * columns + c];
        text += "\n";
      }
      files.write(file_prefix + quantity + ".csv", text);
    }
    if (totals.empty()) continue;
    std::string text = "time_s";
    for (const auto& [name, values] : totals) text += "," + field(name);
    text += "\n";
    for (std::size_t r = 0; r < time_s.size(); ++r) {
      text += fmt::format("{}", time_s[r]);
      for (const auto& [name, values] : totals) text += "," + values[r];
      text += "\n";
    }
    files.write(file_prefix + "totals.csv", text);
  }

  ctx.out << fmt::format("{} files written to {}:\n", files.written().size(), o.csv_dir);
  for (const std::string& name : files.written()) ctx.out << "  " << name << "\n";
  return exit_code::ok;
}

}  // namespace

CommandRun configure_export(CLI::App& sub) {
  auto o = std::make_shared<ExportOptions>();
  sub.add_option("file", o->file, "Run file written by parktwin run --out")
      ->required()
      ->check(CLI::ExistingFile);
  sub.add_option("--csv", o->csv_dir, "Folder for the CSV files (created if missing)")
      ->required()
      ->check(non_empty_path());
  sub.add_flag("--force", o->force, "Overwrite CSV files of an earlier export");
  sub.footer("Example: parktwin export run.h5 --csv run_csv/\n");
  return [o](const CommandContext& ctx) { return export_csv(*o, ctx); };
}

}  // namespace parktwin::cli

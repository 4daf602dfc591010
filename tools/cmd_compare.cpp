// parktwin compare DIR [--baseline VARIANT] [--kpi NAME ...]: a sweep's results (DIR/summary.csv,
// written by parktwin sweep) per variant: the mean and 95 % interval (Student's t over its
// seeds) of each KPI, and each variant against a baseline (the difference of the means, as a
// share of the baseline's), printed and written to DIR/compare.csv, and plotted (each KPI
// against a swept parameter, DIR/plots/KPI.png) by tools/plot_compare.py with matplotlib
// (docs/sweeps.md).

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/error.h"
#include "scenarios/csv_cells.h"
#include "tools/command.h"
#include "tools/eval_stats.h"
#include "tools/plot_compare_script.h"

extern char** environ;  // the environment the plotting script inherits

namespace parktwin::cli {

namespace {

namespace fs = std::filesystem;

// What a sweep is most often compared on; those of them the summary has (--kpi to choose).
const std::vector<std::string> kDefaultKpis = {"average_travel_time_s",
                                               "mean_finished_delay_s",
                                               "throughput_veh_per_h",
                                               "co2_kg",
                                               "teleports",
                                               "energy.cost",
                                               "energy.co2_kg",
                                               "buildings.discomfort_kh",
                                               "energy.feeder_overload_h"};

struct CompareOptions {
  std::string dir, baseline, x;
  std::vector<std::string> kpis;
  bool no_plots = false;
};

// The Python with matplotlib: $PARKTWIN_PYTHON, else Debian's /usr/bin/python3 (a pyenv or
// virtual-environment python first on PATH often lacks python3-matplotlib), else python3.
std::string plotting_python() {
  if (const char* p = std::getenv("PARKTWIN_PYTHON"); p != nullptr && *p != '\0') return p;
  std::error_code ec;
  return fs::exists("/usr/bin/python3", ec) ? "/usr/bin/python3" : "python3";
}

// Runs tools/plot_compare.py (the copy in the binary) on `dir`; returns the PNGs it wrote, or
// throws parktwin::Error with what it said.
std::vector<std::string> draw_plots(const std::string& dir, const std::string& x) {
  const std::string python = plotting_python();
  std::vector<std::string> args = {python, "-c", kPlotCompareScript, dir};
  if (!x.empty()) args.insert(args.end(), {"--x", x});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // What it prints (the PNGs, or why not) goes to a temporary file, read back below.
  char log_path[] = "/tmp/parktwin-plot-XXXXXX";
  const int log = mkstemp(log_path);
  if (log < 0) throw Error("cannot create a temporary file for the plotting's output");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, log, 1);
  posix_spawn_file_actions_adddup2(&actions, log, 2);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, python.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  if (spawned == 0) waitpid(pid, &status, 0);
  close(log);
  std::ifstream in(log_path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::remove(log_path);
  if (spawned != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw Error("the table is written, the plots could not be drawn")
        .expected(fmt::format(
            "{} with matplotlib (Debian: python3-matplotlib; another python: PARKTWIN_PYTHON), "
            "or --no-plots",
            python))
        .found(spawned != 0 ? std::string(std::strerror(spawned))
                            : (lines.empty() ? "no output" : lines.back()));
  }
  return lines;
}

// The cells of a CSV line, with "quoted" cells (doubled quotes inside) as parktwin sweep
// writes them.
std::vector<std::string> csv_line(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"', ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else if (c != '\r') {
      cells.back() += c;
    }
  }
  return cells;
}

struct Variant {
  std::string name;
  std::vector<std::string> params;
  std::map<std::string, std::vector<double>> values;  // per KPI, one per run that is ok
  int runs = 0, ok = 0;
};

int compare(const CompareOptions& o, const CommandContext& ctx) {
  const fs::path summary = fs::path(o.dir) / "summary.csv";
  std::ifstream in(summary);
  if (!in) {
    throw Error("no sweep summary")
        .in_file(summary.string())
        .expected("a folder parktwin sweep wrote");
  }
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = csv_line(line);
  const auto column = [&](const std::string& name) -> long {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<long>(i);
    }
    return -1;
  };
  const long c_variant = column("variant"), c_status = column("status"), c_seed = column("seed");
  if (c_variant != 1 || c_seed != 2 || c_status < 3) {
    throw Error("not a sweep summary")
        .in_file(summary.string())
        .at_line(1)
        .expected("run,variant,seed,<parameters>,status,...")
        .found(line.substr(0, 80));
  }
  const std::vector<std::string> params(header.begin() + 3, header.begin() + c_status);
  if (!o.x.empty() && std::find(params.begin(), params.end(), o.x) == params.end()) {
    throw Error("no such swept parameter")
        .field("--x")
        .expected(params.empty() ? std::string("none: the sweep has no parameters")
                                 : comma_list(params))
        .found(o.x);
  }
  std::vector<std::string> kpis = o.kpis;
  if (kpis.empty()) {
    for (const std::string& k : kDefaultKpis) {
      if (column(k) >= 0) kpis.push_back(k);
    }
  }
  for (const std::string& k : kpis) {
    if (column(k) < 0) {
      throw Error("no such KPI in the sweep's summary")
          .in_file(summary.string())
          .field("--kpi")
          .expected("a column of summary.csv, e.g. average_travel_time_s, energy.cost")
          .found(k);
    }
  }
  std::vector<Variant> variants;
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const std::vector<std::string> cells = csv_line(line);
    if (cells.size() != header.size()) {
      throw Error("a summary row of another width")
          .in_file(summary.string())
          .at_line(line_no)
          .expected(fmt::format("{} cells", header.size()))
          .found(std::to_string(cells.size()));
    }
    const std::string& name = cells[static_cast<std::size_t>(c_variant)];
    if (variants.empty() || variants.back().name != name) {
      variants.push_back(
          {name, std::vector<std::string>(cells.begin() + 3, cells.begin() + c_status), {}, 0, 0});
    }
    Variant& v = variants.back();
    ++v.runs;
    if (cells[static_cast<std::size_t>(c_status)] != "ok") continue;
    ++v.ok;
    for (const std::string& k : kpis) {
      double x = 0.0;
      if (scenarios::parse_double(cells[static_cast<std::size_t>(column(k))], x)) {
        v.values[k].push_back(x);
      }
    }
  }
  if (variants.empty()) throw Error("the sweep's summary has no runs").in_file(summary.string());
  const std::string base_name = o.baseline.empty() ? variants.front().name : o.baseline;
  const Variant* base = nullptr;
  for (const Variant& v : variants) {
    if (v.name == base_name) base = &v;
  }
  if (base == nullptr) {
    std::vector<std::string> names;
    for (const Variant& v : variants) names.push_back(v.name);
    throw Error("no such variant in the sweep")
        .field("--baseline")
        .expected(comma_list(names))
        .found(base_name);
  }

  // Per variant: mean +- interval; against the baseline: difference and change.
  std::ofstream csv(fs::path(o.dir) / "compare.csv");
  csv << "variant";
  for (const std::string& p : params) csv << "," << scenarios::csv_cell(p);
  csv << ",runs_ok,runs,kpi,mean,ci95,baseline,baseline_mean,difference,change_pct\n";
  ctx.out << fmt::format("{} variants; baseline {} ({}); mean +- 95 % interval over the seeds\n",
                         variants.size(), base->name, fmt::join(base->params, ", "));
  for (const std::string& k : kpis) {
    ctx.out << fmt::format("\n{}\n", k);
    const auto it = base->values.find(k);
    const bool have_base = it != base->values.end() && !it->second.empty();
    const MeanCi b = have_base ? mean_ci95(it->second) : MeanCi{};
    for (const Variant& v : variants) {
      const auto vi = v.values.find(k);
      std::string label = v.name;
      for (std::size_t p = 0; p < params.size(); ++p) {
        label += fmt::format(" {}={}", params[p], v.params[p]);
      }
      if (vi == v.values.end() || vi->second.empty()) {
        ctx.out << fmt::format("  {:<48} no run ok ({} of {})\n", label, v.ok, v.runs);
        continue;
      }
      const MeanCi m = mean_ci95(vi->second);
      const double diff = m.mean - b.mean;
      const double pct = have_base && b.mean != 0.0 ? 100.0 * diff / std::abs(b.mean)
                                                    : std::numeric_limits<double>::quiet_NaN();
      ctx.out << fmt::format("  {:<48} {:>12.4g} +- {:<10.3g}", label, m.mean, m.ci95);
      if (have_base && &v != base) {
        ctx.out << (std::isfinite(pct) ? fmt::format(" {:+.4g} ({:+.2f} %)", diff, pct)
                                       : fmt::format(" {:+.4g}", diff));
      }
      ctx.out << fmt::format("  [{} runs]\n", vi->second.size());
      csv << scenarios::csv_cell(v.name);
      for (const std::string& p : v.params) csv << "," << scenarios::csv_cell(p);
      csv << fmt::format(",{},{},{},{},{},{},{},{},{}\n", v.ok, v.runs, scenarios::csv_cell(k),
                         m.mean, m.ci95, scenarios::csv_cell(base->name),
                         have_base ? fmt::format("{}", b.mean) : "",
                         have_base ? fmt::format("{}", diff) : "",
                         std::isfinite(pct) ? fmt::format("{:.4f}", pct) : "");
    }
  }
  csv.close();
  ctx.out << fmt::format("\ntable: {}\n", (fs::path(o.dir) / "compare.csv").string());
  if (o.no_plots) return exit_code::ok;
  const std::vector<std::string> pngs = draw_plots(o.dir, o.x);
  ctx.out << fmt::format("plots: {} ({} KPIs against {})\n", (fs::path(o.dir) / "plots").string(),
                         pngs.size(), o.x.empty() ? "the parameter with the most values" : o.x);
  return exit_code::ok;
}

}  // namespace

CommandRun configure_compare(CLI::App& sub) {
  auto o = std::make_shared<CompareOptions>();
  sub.add_option("dir", o->dir, "A folder parktwin sweep wrote")
      ->required()
      ->check(CLI::ExistingDirectory);
  sub.add_option("--baseline", o->baseline,
                 "The variant the others are compared with (default: v000)");
  sub.add_option("--kpi", o->kpis,
                 "KPIs to compare (columns of summary.csv; default: travel time, delay, "
                 "throughput, CO2, teleports and the energy KPIs it has)");
  sub.add_option("--x", o->x,
                 "The swept parameter on the plots' x axis (default: the one with the most "
                 "values, numbers before words); the others make one line each");
  sub.add_flag("--no-plots", o->no_plots,
               "The table only (the plots need python3 with matplotlib)");
  sub.footer(
      "Example: parktwin compare sweep_out --baseline v001 --kpi average_travel_time_s\n"
      "Writes DIR/compare.csv and DIR/plots/KPI.png (matplotlib, run with $PARKTWIN_PYTHON or\n"
      "/usr/bin/python3).\n");
  return [o](const CommandContext& ctx) { return compare(*o, ctx); };
}

}  // namespace parktwin::cli

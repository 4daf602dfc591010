// parktwin sweep SPEC.toml --out DIR [--jobs J]: every variant of a sweep (scenarios/
// sweep_spec.h) with each of its seeds, as separate `parktwin run` processes of this binary, J
// at a time; each run writes its own run file and KPI JSON, and DIR/summary.csv holds one row
// per run (parameters, status, error, wall time, host, KPIs), rewritten as runs finish, and
// DIR/summary.h5 the same as columns. A run that fails or whose process dies is recorded with
// its error and the others go on; the same command again runs only what is missing or failed
// (docs/sweeps.md).

#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/parallel.h"
#include "scenarios/csv_cells.h"
#include "scenarios/hdf5/h5.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/sweep_spec.h"
#include "tools/command.h"
#include "tools/mpi_world.h"

extern char** environ;

namespace parktwin::cli {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct SweepOptions {
  std::string spec, out;
  int jobs = 0;
  bool quiet = false;
};

struct Run {
  std::string name;  // v000_s1
  std::size_t variant = 0;
  int seed = 1;
  std::string status = "pending";  // ok, failed, killed, pending
  int exit_code = 0;
  std::string error;
  double wall_s = 0.0;
  std::string host;
  nlohmann::ordered_json kpis;
};

// Where a finished run's wall time and host are kept.
fs::path wall_record(const fs::path& out, const Run& r) {
  return out / "runs" / (r.name + ".wall.json");
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string host_name() {
  char buf[256] = {};
  return gethostname(buf, sizeof buf - 1) == 0 ? std::string(buf) : std::string("?");
}

// The last line of a run's log that says something: its error, for a run that failed.
std::string last_line(const fs::path& log) {
  std::istringstream in(read_file(log));
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  return last;
}

// The KPI JSON's numbers, nested ones as "energy.cost".
void flatten(const nlohmann::ordered_json& j, const std::string& prefix,
             std::vector<std::pair<std::string, double>>& out) {
  for (const auto& [k, v] : j.items()) {
    if (v.is_number()) out.emplace_back(prefix + k, v.get<double>());
    if (v.is_object()) flatten(v, prefix + k + ".", out);
  }
}

// The TOML text of a value as a CSV cell: strings without their quotes (toml++ writes them
// as literal strings, '...', or basic ones, "...").
std::string plain(const std::string& toml_text) {
  if (toml_text.size() >= 2 && (toml_text.front() == '"' || toml_text.front() == '\'') &&
      toml_text.back() == toml_text.front()) {
    return toml_text.substr(1, toml_text.size() - 2);
  }
  return toml_text;
}

void write_summary(const fs::path& out, const scenarios::SweepSpec& spec,
                   const std::vector<Run>& runs) {
  std::vector<std::string> columns;
  // The summary's own columns first (the KPI file's seed is the run's).
  std::map<std::string, bool> known{{"run", true},    {"variant", true},   {"seed", true},
                                    {"status", true}, {"exit_code", true}, {"error", true},
                                    {"wall_s", true}, {"host", true}};
  for (const scenarios::SweepParameter& p : spec.parameters) known[p.key] = true;
  std::vector<std::vector<std::pair<std::string, double>>> values(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    flatten(runs[i].kpis, "", values[i]);
    for (const auto& [k, v] : values[i]) {
      if (!known[k]) known[k] = true, columns.push_back(k);
    }
  }
  std::ostringstream csv;
  csv << "run,variant,seed";
  for (const scenarios::SweepParameter& p : spec.parameters)
    csv << "," << scenarios::csv_cell(p.key);
  csv << ",status,exit_code,error,wall_s,host";
  for (const std::string& c : columns) csv << "," << scenarios::csv_cell(c);
  csv << "\n";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const Run& r = runs[i];
    csv << r.name << "," << spec.variants[r.variant].name << "," << r.seed;
    for (const std::string& v : spec.variants[r.variant].values)
      csv << "," << scenarios::csv_cell(plain(v));
    csv << "," << r.status << "," << r.exit_code << "," << scenarios::csv_cell(r.error) << ","
        << fmt::format("{:.3f}", r.wall_s) << "," << scenarios::csv_cell(r.host);
    std::map<std::string, double> row(values[i].begin(), values[i].end());
    for (const std::string& c : columns) {
      const auto it = row.find(c);
      csv << "," << (it == row.end() ? std::string() : fmt::format("{}", it->second));
    }
    csv << "\n";
  }
  // Replaced whole, so that an interrupted sweep leaves a summary that reads.
  const fs::path tmp = out / "summary.csv.tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    f << csv.str();
    if (!f) throw Error("cannot write the sweep's summary").in_file(tmp.string());
  }
  fs::rename(tmp, out / "summary.csv");

  // The same rows as HDF5 (/runs, a column each: text as strings, numbers as float64 with NaN
  // where a run has none), for h5py and pandas alike.
  const fs::path tmp_h5 = out / "summary.h5.tmp";
  fs::remove(tmp_h5);
  {
    const std::string p = tmp_h5.string();
    const h5::Handle file = h5::create_file(p);
    h5::write_attr(file.get(), "spec", spec.path);
    h5::write_attr(file.get(), "base", spec.base);
    const h5::Handle g = h5::create_group(file.get(), "runs", p);
    const auto text = [&](const std::string& name, auto&& of) {
      std::vector<std::string> v;
      for (const Run& r : runs) v.push_back(of(r));
      h5::write_column(g.get(), name, std::span<const std::string>(v));
    };
    const auto number = [&](const std::string& name, auto&& of) {
      std::vector<double> v;
      for (std::size_t i = 0; i < runs.size(); ++i) v.push_back(of(i));
      h5::write_column(g.get(), name, std::span<const double>(v));
    };
    text("run", [](const Run& r) { return r.name; });
    text("variant", [&](const Run& r) { return spec.variants[r.variant].name; });
    number("seed", [&](std::size_t i) { return static_cast<double>(runs[i].seed); });
    for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
      // A parameter of numbers as numbers, anything else as text.
      bool numeric = true;
      for (const std::string& v : spec.parameters[k].values) {
        double x = 0.0;
        numeric = numeric && scenarios::parse_double(v, x);
      }
      const auto value = [&](const Run& r) { return plain(spec.variants[r.variant].values[k]); };
      if (numeric) {
        number(spec.parameters[k].key, [&](std::size_t i) {
          double x = 0.0;
          scenarios::parse_double(value(runs[i]), x);
          return x;
        });
      } else {
        text(spec.parameters[k].key, value);
      }
    }
    text("status", [](const Run& r) { return r.status; });
    number("exit_code", [&](std::size_t i) { return static_cast<double>(runs[i].exit_code); });
    text("error", [](const Run& r) { return r.error; });
    number("wall_s", [&](std::size_t i) { return runs[i].wall_s; });
    text("host", [](const Run& r) { return r.host; });
    for (const std::string& col : columns) {
      number(col, [&](std::size_t i) {
        for (const auto& [k, v] : values[i]) {
          if (k == col) return v;
        }
        return std::numeric_limits<double>::quiet_NaN();
      });
    }
  }
  fs::rename(tmp_h5, out / "summary.h5");
}

// Starts `parktwin --threads T run VARIANT --seed S --out RUN.h5 --kpi-json RUN.json --quiet`
// with its output in the run's log; returns its pid.
pid_t spawn_run(const std::string& exe, const fs::path& out, const scenarios::SweepSpec& spec,
                const Run& r, int threads) {
  const fs::path runs = out / "runs";
  const std::vector<std::string> args = {
      exe,
      "--threads",
      std::to_string(threads),
      "run",
      (out / "variants" / (spec.variants[r.variant].name + ".toml")).string(),
      "--seed",
      std::to_string(r.seed),
      "--out",
      (runs / (r.name + ".h5")).string(),
      "--kpi-json",
      (runs / (r.name + ".json")).string(),
      "--quiet"};
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const std::string log = (out / "logs" / (r.name + ".log")).string();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    throw Error("cannot start a run of the sweep").in_file(exe).found(std::strerror(rc));
  }
  return pid;
}

// How a run ended, as the process that ran it saw it (here or on another rank).
struct Outcome {
  std::size_t run = 0;
  std::string status;  // ok, failed, killed
  int exit_code = 0;
  double wall_s = 0.0;
  std::string host, error;
};

std::string to_text(const Outcome& x) {
  return nlohmann::json{{"run", x.run},       {"status", x.status}, {"exit_code", x.exit_code},
                        {"wall_s", x.wall_s}, {"host", x.host},     {"error", x.error}}
      .dump();
}

Outcome outcome_from(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text);
  return {j.at("run").get<std::size_t>(),  j.at("status").get<std::string>(),
          j.at("exit_code").get<int>(),    j.at("wall_s").get<double>(),
          j.at("host").get<std::string>(), j.at("error").get<std::string>()};
}

// A finished child process's outcome.
Outcome outcome_of(std::size_t run, int status, double wall_s, const fs::path& out, const Run& r,
                   const std::string& host) {
  Outcome x{run, "ok", 0, wall_s, host, ""};
  std::error_code ec;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
      fs::is_regular_file(out / "runs" / (r.name + ".json"), ec)) {
    return x;
  }
  if (WIFSIGNALED(status)) {
    x.status = "killed";
    x.exit_code = 128 + WTERMSIG(status);
    x.error =
        fmt::format("killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  } else {
    x.status = "failed";
    x.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    x.error = last_line(out / "logs" / (r.name + ".log"));
  }
  return x;
}

// What a killed run left is removed first: it starts again from nothing (a run never
// overwrites its file).
void clear_run(const fs::path& out, const Run& r) {
  std::error_code ec;
  fs::remove(out / "runs" / (r.name + ".h5"), ec);
  fs::remove(out / "runs" / (r.name + ".json"), ec);
  fs::remove(wall_record(out, r), ec);
}

// The runs of a spec, with what an earlier invocation finished.
std::vector<Run> runs_of(const scenarios::SweepSpec& spec, const fs::path& out) {
  std::vector<Run> runs;
  std::error_code ec;
  for (std::size_t v = 0; v < spec.variants.size(); ++v) {
    for (int s = 1; s <= spec.seeds; ++s) {
      Run r;
      r.name = fmt::format("{}_s{}", spec.variants[v].name, s);
      r.variant = v;
      r.seed = s;
      if (fs::is_regular_file(out / "runs" / (r.name + ".json"), ec)) {
        try {
          r.kpis = nlohmann::ordered_json::parse(read_file(out / "runs" / (r.name + ".json")));
          r.status = "ok";
          const nlohmann::json when = nlohmann::json::parse(read_file(wall_record(out, r)));
          r.wall_s = when.at("wall_s").get<double>();
          r.host = when.at("host").get<std::string>();
        } catch (const nlohmann::json::exception&) {
          r.status = "pending";  // torn: run again
        }
      }
      runs.push_back(std::move(r));
    }
  }
  return runs;
}

// Checks the output folder, writes and checks the variants, records the spec.
void prepare(const SweepOptions& o, const scenarios::SweepSpec& spec) {
  const fs::path out(o.out);
  const std::string spec_text = read_file(o.spec);
  std::error_code ec;
  const fs::path record = out / "sweep.toml";
  if (fs::exists(record, ec)) {
    if (read_file(record) != spec_text) {
      throw Error("the output folder holds another sweep")
          .in_file(o.out)
          .expected("a new folder, or this folder's own spec (sweep.toml) to finish that sweep")
          .found(fmt::format("{} differs from {}", record.string(), o.spec));
    }
  } else if (fs::exists(out, ec) && !(fs::is_directory(out, ec) && fs::is_empty(out, ec))) {
    throw Error("the output folder is not empty and holds no sweep")
        .in_file(o.out)
        .expected("a new or empty folder");
  }
  // The variants are checked before the folder is made, so that a bad spec leaves nothing.
  const fs::path check =
      fs::temp_directory_path() / fmt::format("parktwin-sweep-check-{}", getpid());
  try {
    scenarios::write_and_check_variants(spec, check.string());
  } catch (...) {
    fs::remove_all(check, ec);
    throw;
  }
  fs::remove_all(check, ec);
  fs::create_directories(out / "runs", ec);
  fs::create_directories(out / "logs", ec);
  if (ec) throw Error("cannot create the sweep's folder").in_file(o.out).found(ec.message());
  scenarios::write_and_check_variants(spec, (out / "variants").string());
  if (!fs::exists(record, ec)) std::ofstream(record, std::ios::binary) << spec_text;
}

std::string this_program() {
  std::error_code ec;
  const std::string exe = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec) throw Error("cannot find this program to start runs").found(ec.message());
  return exe;
}

// A rank other than 0: asks rank 0 for a run, runs it, reports, until told there is none.
int work_for_rank0(const SweepOptions& o, const CommandContext& ctx) {
  const scenarios::SweepSpec spec = scenarios::read_sweep_spec(o.spec);
  const fs::path out(o.out);
  const std::vector<Run> runs = runs_of(spec, out);
  const std::string exe = this_program(), host = host_name();
  const int threads = ctx.global.threads > 0 ? ctx.global.threads : 1;
  std::string report = "{}";  // nothing run yet
  while (true) {
    mpi::send(0, report);
    const long i = std::stol(mpi::receive(0));
    if (i < 0) return exit_code::ok;
    const Run& r = runs[static_cast<std::size_t>(i)];
    clear_run(out, r);
    const auto t0 = Clock::now();
    const pid_t pid = spawn_run(exe, out, spec, r, threads);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    report =
        to_text(outcome_of(static_cast<std::size_t>(i), status,
                           std::chrono::duration<double>(Clock::now() - t0).count(), out, r, host));
  }
}

int sweep(const SweepOptions& o, const CommandContext& ctx) {
  const mpi::World world = mpi::join();
  struct Leave {
    ~Leave() { mpi::leave(); }
  } leave;
  if (world.rank > 0) {
    // Rank 0 checks everything first; a bad spec is its error to print.
    if (mpi::broadcast(0) == 0) return exit_code::failure;
    return work_for_rank0(o, ctx);
  }
  scenarios::SweepSpec spec;
  try {
    spec = scenarios::read_sweep_spec(o.spec);
    prepare(o, spec);
  } catch (...) {
    if (world.size > 1) mpi::broadcast(0);
    throw;
  }
  if (world.size > 1) mpi::broadcast(1);
  const fs::path out(o.out);
  std::vector<Run> runs = runs_of(spec, out);
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].status != "ok") todo.push_back(i);
  }
  // The longest expected first: with J workers a batch of uneven runs ends soonest when the
  // long ones start first (Graham's LPT rule, SIAM J. Appl. Math. 17 (1969) 416). Expected
  // length: the variant's simulated duration times its demand scale.
  std::vector<double> cost(spec.variants.size());
  for (std::size_t v = 0; v < cost.size(); ++v) {
    const scenarios::RunMeta meta = scenarios::run_meta_of(
        scenarios::load_manifest((out / "variants" / (spec.variants[v].name + ".toml")).string()));
    cost[v] = meta.duration_s * meta.demand_scale;
  }
  std::stable_sort(todo.begin(), todo.end(), [&](std::size_t a, std::size_t b) {
    return cost[runs[a].variant] > cost[runs[b].variant];
  });
  const std::string host = host_name();
  const int hw = par::hardware_threads();
  // Runs at a time here: --jobs, else one per hardware thread; under mpirun, one per rank.
  const int jobs =
      world.size > 1
          ? std::max(1, o.jobs)
          : std::max(1, std::min<int>(o.jobs > 0 ? o.jobs : hw,
                                      static_cast<int>(std::max<std::size_t>(1, todo.size()))));
  // Each run's threads: --threads when given, else the machine's shared among the jobs (one
  // under mpirun, where the ranks share it).
  const int threads = ctx.global.threads > 0 ? ctx.global.threads
                      : world.size > 1       ? 1
                                             : std::max(1, hw / jobs);
  if (!o.quiet) {
    ctx.err << fmt::format(
        "sweep {}: {} variants x {} seeds = {} runs, {} done before, {} to run, {} at a time{} "
        "({} threads each)\n",
        o.spec, spec.variants.size(), spec.seeds, runs.size(), runs.size() - todo.size(),
        todo.size(), jobs, world.size > 1 ? fmt::format(" on each of {} ranks", world.size) : "",
        threads);
    ctx.err.flush();
  }
  write_summary(out, spec, runs);
  const std::string exe = this_program();

  std::map<pid_t, std::pair<std::size_t, Clock::time_point>> running;
  std::size_t next = 0, finished = 0;
  int workers_left = world.size - 1;  // ranks not yet told that there is no more
  const auto start = Clock::now();
  const auto record = [&](const Outcome& x) {
    Run& r = runs[x.run];
    r.status = x.status;
    r.exit_code = x.exit_code;
    r.wall_s = x.wall_s;
    r.host = x.host;
    r.error = x.error;
    if (r.status == "ok") {
      try {
        r.kpis = nlohmann::ordered_json::parse(read_file(out / "runs" / (r.name + ".json")));
        // Where and how long it ran, for the summaries of later invocations.
        std::ofstream(wall_record(out, r))
            << nlohmann::json{{"wall_s", r.wall_s}, {"host", r.host}}.dump() << "\n";
      } catch (const nlohmann::json::exception& e) {
        r.status = "failed";
        r.error = std::string("unreadable KPI file: ") + e.what();
      }
    }
    ++finished;
    write_summary(out, spec, runs);
    if (!o.quiet) {
      const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      const double rate = elapsed > 0 ? static_cast<double>(finished) / elapsed : 0.0;
      ctx.err << fmt::format("[{}/{}] {} {} in {:.1f} s on {}  ({:.2f} runs/s, ETA {:.0f} s){}\n",
                             finished, todo.size(), r.name, r.status, r.wall_s, r.host, rate,
                             rate > 0 ? static_cast<double>(todo.size() - finished) / rate : 0.0,
                             r.status == "ok" ? "" : ": " + r.error);
      ctx.err.flush();
    }
  };
  while (next < todo.size() || !running.empty() || workers_left > 0) {
    while (next < todo.size() && running.size() < static_cast<std::size_t>(jobs)) {
      const std::size_t i = todo[next++];
      clear_run(out, runs[i]);
      running[spawn_run(exe, out, spec, runs[i], threads)] = {i, Clock::now()};
    }
    bool idle = true;
    // Other ranks: a report of the run they finished (if any), and a request for the next.
    int from = 0;
    std::string text;
    while (workers_left > 0 && mpi::poll(from, text)) {
      idle = false;
      // Its next run first, then the bookkeeping of the last (the summary is rewritten whole):
      // the rank waits only for the answer.
      if (next < todo.size()) {
        const std::size_t i = todo[next++];
        clear_run(out, runs[i]);
        mpi::send(from, std::to_string(i));
      } else {
        mpi::send(from, "-1");
        --workers_left;
      }
      if (text != "{}") record(outcome_from(text));
    }
    // Here: children that ended.
    int status = 0;
    const pid_t pid = running.empty() ? 0 : waitpid(-1, &status, world.size > 1 ? WNOHANG : 0);
    if (pid > 0) {
      idle = false;
      const auto it = running.find(pid);
      if (it != running.end()) {
        const auto [i, t0] = it->second;
        const double wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
        running.erase(it);
        // The next run first, then the bookkeeping of this one.
        if (next < todo.size()) {
          const std::size_t n = todo[next++];
          clear_run(out, runs[n]);
          running[spawn_run(exe, out, spec, runs[n], threads)] = {n, Clock::now()};
        }
        record(outcome_of(i, status, wall_s, out, runs[i], host));
      }
    } else if (pid < 0 && errno != EINTR) {
      running.clear();  // no children left to wait for (cannot happen with runs outstanding)
    }
    if (idle) usleep(2000);
  }
  std::size_t ok = 0;
  for (const Run& r : runs) ok += r.status == "ok" ? 1 : 0;
  ctx.out << fmt::format("sweep: {} of {} runs ok; summary: {}\n", ok, runs.size(),
                         (out / "summary.csv").string());
  if (ok < runs.size()) {
    ctx.err << fmt::format(
        "parktwin sweep: {} of {} runs failed (their errors in the summary and {}); the same "
        "command runs them again\n",
        runs.size() - ok, runs.size(), (out / "logs").string());
    return exit_code::failure;
  }
  return exit_code::ok;
}

}  // namespace

CommandRun configure_sweep(CLI::App& sub) {
  auto o = std::make_shared<SweepOptions>();
  sub.add_option("spec", o->spec, "Sweep specification (TOML, docs/sweeps.md)")
      ->required()
      ->check(CLI::ExistingFile);
  sub.add_option("--out", o->out,
                 "Folder for the sweep: its runs (HDF5 and KPI JSON), logs and summary.csv; "
                 "the same command again finishes what is missing or failed")
      ->required();
  sub.add_option("--jobs", o->jobs, "Runs at a time (default: one per hardware thread)")
      ->check(CLI::Range(1, 4096));
  sub.add_flag("--quiet", o->quiet, "No progress lines");
  sub.footer(
      "Example: parktwin sweep sweep.toml --out sweep_out --jobs 2\n"
      "  sweep.toml:  base = \"scenario.toml\"\n"
      "               seeds = 4\n"
      "               [parameters]\n"
      "               \"traffic.ev_share\" = [0.1, 0.2, 0.4]\n");
  return [o](const CommandContext& ctx) { return sweep(*o, ctx); };
}

}  // namespace parktwin::cli

// parktwin inspect: what a run file holds, without Python: its metadata, its KPIs (when the
// run ended) and every dataset with its shape and type.

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <memory>
#include <ostream>

#include "engine/error.h"
#include "scenarios/hdf5/h5.h"
#include "scenarios/run_file.h"
#include "tools/command.h"

namespace parktwin::cli {

namespace {

struct InspectOptions {
  std::string file;
  bool scenario_text = false;
};

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    text += (i > 0 ? ", " : "") + std::to_string(shape[i]);
  }
  return text + (shape.size() == 1 ? ",)" : ")");
}

int inspect(const InspectOptions& o, const CommandContext& ctx) {
  if (o.scenario_text) {
    const h5::Handle file = h5::open_file(o.file);
    const h5::Handle meta = h5::open_group(file.get(), "meta", o.file);
    ctx.out << h5::read_attr_text(meta.get(), "scenario_text", o.file);
    return exit_code::ok;
  }
  const scenarios::RunFileSummary s = scenarios::summarize_run_file(o.file);
  ctx.out << fmt::format("{}\n\nmeta\n", o.file);
  for (const auto& [name, value] : s.meta) ctx.out << fmt::format("  {:<20} {}\n", name, value);
  ctx.out << "\nkpi\n";
  if (s.kpis.empty()) ctx.out << "  (none: the run did not finish)\n";
  for (const auto& [name, value] : s.kpis) ctx.out << fmt::format("  {:<32} {}\n", name, value);
  ctx.out << "\ndatasets\n";
  for (const h5::DatasetInfo& d : s.datasets) {
    ctx.out << fmt::format("  {:<44} {:<16} {}\n", d.path, shape_text(d.shape), d.type);
  }
  return exit_code::ok;
}

}  // namespace

CommandRun configure_inspect(CLI::App& sub) {
  auto o = std::make_shared<InspectOptions>();
  sub.add_option("file", o->file, "Run file written by parktwin run --out")
      ->required()
      ->check(CLI::ExistingFile);
  sub.add_flag("--scenario-text", o->scenario_text,
               "Print the scenario manifest stored in the file, as it was loaded");
  sub.footer("Example: parktwin inspect run.h5\n");
  return [o](const CommandContext& ctx) { return inspect(*o, ctx); };
}

}  // namespace parktwin::cli

#include "scenarios/what_if.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/error.h"

namespace parktwin::scenarios {

namespace {

namespace fs = std::filesystem;

// Whole numbers as TOML integers, as people write them ("at = 600", not "600.0"); others as
// floats, which toml++ prints in their shortest exact form.
bool is_whole(double v) { return v == std::floor(v) && std::abs(v) < 9.0e15; }

void put_number(toml::table& t, const char* key, double v) {
  if (is_whole(v)) {
    t.insert_or_assign(key, static_cast<std::int64_t>(v));
  } else {
    t.insert_or_assign(key, v);
  }
}

toml::table event_table(const EventSpec& e) {
  toml::table t;
  put_number(t, "at", e.at_s);
  t.insert_or_assign("type", e.type);
  if (!e.road.empty()) t.insert_or_assign("road", e.road);
  if (e.lane >= 0) t.insert_or_assign("lane", e.lane);
  if (!e.junction.empty()) t.insert_or_assign("junction", e.junction);
  if (e.type == "signal_plan") {
    toml::array phases;
    for (const double d : e.phases_s) {
      if (is_whole(d)) {
        phases.push_back(static_cast<std::int64_t>(d));
      } else {
        phases.push_back(d);
      }
    }
    t.insert_or_assign("phases", std::move(phases));
  }
  if (e.type == "demand_multiplier") {
    t.insert_or_assign("factor", e.factor);
    if (std::isfinite(e.until_s)) put_number(t, "until", e.until_s);
  }
  return t;
}

}  // namespace

std::string what_if_manifest(const std::string& base_path, const std::string& out_path,
                             const std::string& name, std::span<const EventSpec> edits) {
  const fs::path out_dir = fs::absolute(fs::path(out_path)).parent_path();
  const fs::path base = fs::relative(fs::absolute(fs::path(base_path)), out_dir);
  toml::table doc;
  doc.insert_or_assign("extends", base.generic_string());
  doc.insert_or_assign("name", name);
  toml::array events;
  for (const EventSpec& e : edits) events.push_back(event_table(e));
  doc.insert_or_assign("events", std::move(events));
  std::ostringstream text;
  text << "# What-if made in `parktwin view`: the scenario it extends, with these edits.\n"
       << "# Run it headless: parktwin run " << fs::path(out_path).filename().string() << "\n"
       << doc << "\n";
  return text.str();
}

void save_what_if(const std::string& base_path, const std::string& out_path,
                  const std::string& name, std::span<const EventSpec> edits) {
  if (fs::exists(out_path)) {
    throw Error("what-if file exists").in_file(out_path).expected("a new file name");
  }
  const std::string text = what_if_manifest(base_path, out_path, name, edits);
  const std::string partial = out_path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      std::error_code ignored;
      fs::remove(partial, ignored);
      throw Error("cannot write the what-if").in_file(out_path).expected("a writable folder");
    }
  }
  // A link, not a rename: it never replaces a file that appeared under the name meanwhile.
  std::error_code failed;
  fs::create_hard_link(partial, out_path, failed);
  std::error_code ignored;
  fs::remove(partial, ignored);
  if (failed) {
    throw Error("cannot save the what-if")
        .in_file(out_path)
        .expected("a new file name")
        .found(failed.message());
  }
}

}  // namespace parktwin::scenarios

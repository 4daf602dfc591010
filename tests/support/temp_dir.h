#pragma once
// Test support: a scratch folder for input files that tests write and break on purpose.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace parktwin::test {

namespace fs = std::filesystem;

// A fresh folder under the system temp directory, removed with everything in it at scope end.
class TempDir {
 public:
  TempDir() {
    static std::atomic<unsigned> counter{0};
    const std::string name =
        "parktwin_test_" + std::to_string(std::random_device{}()) + "_" + std::to_string(counter++);
    path_ = fs::temp_directory_path() / name;
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }

  // Writes `text` to `name` (which may contain folders) and returns the file's path.
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out << text;
#ifdef CATCH_CONFIG_PREFIX_ALL  // a test that includes libtorch (glog's CHECK): see test_dqn.cpp
    CATCH_REQUIRE(out.good());
#else
    REQUIRE(out.good());
#endif
    return file.string();
  }

  std::string write_json(const std::string& name, const nlohmann::json& doc) const {
    return write(name, doc.dump(2));
  }

 private:
  fs::path path_;
};

}  // namespace parktwin::test

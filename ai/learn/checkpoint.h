#pragma once
// Training checkpoints: everything a learner needs to continue a training bit for bit (weights,
// optimiser moments, replay or rollout buffers, counters, the curve so far) in one torch
// archive, OUT/checkpoint.pt. Written to a temporary file and renamed over the last one, so a
// training killed at any moment leaves either the previous checkpoint or the new one, whole.
//
// Learners checkpoint between two rounds of episodes, where every environment copy has just
// started a new episode (SignalVecEnv::restart_at rebuilds that state from the round's
// number): no simulation state needs saving. The settings the training was started with are
// stored too; resuming with other settings is refused, naming the first that differs.

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace parktwin::ai {

inline constexpr const char* kCheckpointFile = "checkpoint.pt";
inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

// True when dir holds a checkpoint; its path.
bool has_checkpoint(const std::string& dir);
std::string checkpoint_file(const std::string& dir);
void remove_checkpoint(const std::string& dir);  // when a training has finished

class CheckpointWriter {
 public:
  void json(const std::string& key, const nlohmann::json& value);
  // The first `count` values of v (all of them by default: a replay buffer saves what it holds).
  void floats(const std::string& key, const std::vector<float>& v, std::size_t count = npos);
  void bytes(const std::string& key, const std::vector<std::uint8_t>& v, std::size_t count = npos);
  void ints(const std::string& key, const std::vector<std::int64_t>& v, std::size_t count = npos);
  void module(const std::string& key, const torch::nn::Module& m);
  void optimiser(const std::string& key, const torch::optim::Optimizer& o);
  // Writes dir/checkpoint.pt atomically. Throws parktwin::Error naming the file.
  void save(const std::string& dir);

 private:
  torch::serialize::OutputArchive archive_;
};

class CheckpointReader {
 public:
  // Throws parktwin::Error naming the file when it cannot be read.
  explicit CheckpointReader(const std::string& dir);
  nlohmann::json json(const std::string& key);
  // Hands the JSON entry `key` to `read`, which takes what it needs and returns false for
  // values out of range: a missing or mistyped field, or false, is an Error naming the file
  // and the entry.
  template <class Read>
  void values(const std::string& key, Read&& read) {
    const nlohmann::json j = json(key);
    std::string why;
    try {
      if (read(j)) return;
    } catch (const nlohmann::json::exception& e) {
      why = e.what();
    }
    corrupt(key, why);
  }
  // Into the first `count` values of v (all by default); the entry must hold exactly that many
  // (a checkpoint of another network or other settings is an error naming the entry).
  void floats(const std::string& key, std::vector<float>& v, std::size_t count = npos);
  void bytes(const std::string& key, std::vector<std::uint8_t>& v, std::size_t count = npos);
  void ints(const std::string& key, std::vector<std::int64_t>& v, std::size_t count = npos);
  void module(const std::string& key, torch::nn::Module& m);
  void optimiser(const std::string& key, torch::optim::Optimizer& o);

  // Refuses (parktwin::Error) a checkpoint whose stored settings (under "settings") are not
  // `settings`, naming the first setting that differs, with both values.
  void check_settings(const nlohmann::json& settings);

 private:
  [[noreturn]] void corrupt(const std::string& key, const std::string& why) const;
  torch::Tensor tensor(const std::string& key);
  std::string path_;
  torch::serialize::InputArchive archive_;
};

}  // namespace parktwin::ai

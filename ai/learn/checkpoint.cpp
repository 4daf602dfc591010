// Training checkpoints in a torch archive, written atomically. See checkpoint.h.

#include "ai/learn/checkpoint.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "engine/error.h"

namespace parktwin::ai {

namespace fs = std::filesystem;

std::string checkpoint_file(const std::string& dir) {
  return (fs::path(dir) / kCheckpointFile).string();
}

namespace {

template <class T>
torch::Tensor tensor_of(const std::vector<T>& v, std::size_t count, torch::ScalarType type) {
  count = std::min(count, v.size());
  return torch::from_blob(const_cast<T*>(v.data()), {static_cast<long>(count)}, type).clone();
}

template <class T>
void copy_out(const torch::Tensor& t, std::vector<T>& v, std::size_t count, torch::ScalarType type,
              const std::string& key, const std::string& path) {
  count = std::min(count, v.size());
  if (t.scalar_type() != type || t.dim() != 1 || static_cast<std::size_t>(t.numel()) != count) {
    throw Error("the checkpoint does not fit this training")
        .in_file(path)
        .field(key)
        .expected(fmt::format("{} values", count))
        .found(fmt::format("{} values", t.numel()));
  }
  const torch::Tensor c = t.contiguous();
  std::memcpy(v.data(), c.data_ptr(), count * sizeof(T));
}

}  // namespace

bool has_checkpoint(const std::string& dir) {
  std::error_code ec;
  return fs::is_regular_file(checkpoint_file(dir), ec);
}

void remove_checkpoint(const std::string& dir) {
  std::error_code ec;
  fs::remove(checkpoint_file(dir), ec);
}

void CheckpointWriter::json(const std::string& key, const nlohmann::json& value) {
  archive_.write(key, c10::IValue(value.dump()));
}
void CheckpointWriter::floats(const std::string& key, const std::vector<float>& v,
                              std::size_t count) {
  archive_.write(key, tensor_of(v, count, torch::kFloat32));
}
void CheckpointWriter::bytes(const std::string& key, const std::vector<std::uint8_t>& v,
                             std::size_t count) {
  archive_.write(key, tensor_of(v, count, torch::kUInt8));
}
void CheckpointWriter::ints(const std::string& key, const std::vector<std::int64_t>& v,
                            std::size_t count) {
  archive_.write(key, tensor_of(v, count, torch::kInt64));
}
void CheckpointWriter::module(const std::string& key, const torch::nn::Module& m) {
  torch::serialize::OutputArchive nested;
  m.save(nested);
  archive_.write(key, nested);
}
void CheckpointWriter::optimiser(const std::string& key, const torch::optim::Optimizer& o) {
  torch::serialize::OutputArchive nested;
  o.save(nested);
  archive_.write(key, nested);
}

void CheckpointWriter::save(const std::string& dir) {
  const std::string path = checkpoint_file(dir);
  const std::string temporary = path + ".tmp";
  try {
    archive_.save_to(temporary);
  } catch (const c10::Error& e) {
    throw Error("cannot write the training checkpoint").in_file(temporary).found(e.msg());
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) throw Error("cannot write the training checkpoint").in_file(path).found(ec.message());
}

CheckpointReader::CheckpointReader(const std::string& dir) : path_(checkpoint_file(dir)) {
  try {
    archive_.load_from(path_);
  } catch (const c10::Error& e) {
    throw Error("cannot read the training checkpoint")
        .in_file(path_)
        .expected("a checkpoint written by parktwin train")
        .found(e.msg().substr(0, e.msg().find('\n')));
  }
}

torch::Tensor CheckpointReader::tensor(const std::string& key) {
  torch::Tensor t;
  if (!archive_.try_read(key, t)) {
    throw Error("the training checkpoint lacks an entry").in_file(path_).field(key);
  }
  return t;
}

nlohmann::json CheckpointReader::json(const std::string& key) {
  c10::IValue v;
  if (!archive_.try_read(key, v) || !v.isString()) {
    throw Error("the training checkpoint lacks an entry").in_file(path_).field(key);
  }
  try {
    return nlohmann::json::parse(v.toStringRef());
  } catch (const nlohmann::json::exception&) {
    throw Error("the training checkpoint is corrupt").in_file(path_).field(key);
  }
}

void CheckpointReader::corrupt(const std::string& key, const std::string& why) const {
  Error e("the training checkpoint is corrupt");
  e.in_file(path_).field(key);
  if (!why.empty()) e.found(why);
  throw e;
}

void CheckpointReader::floats(const std::string& key, std::vector<float>& v, std::size_t count) {
  copy_out(tensor(key), v, count, torch::kFloat32, key, path_);
}
void CheckpointReader::bytes(const std::string& key, std::vector<std::uint8_t>& v,
                             std::size_t count) {
  copy_out(tensor(key), v, count, torch::kUInt8, key, path_);
}
void CheckpointReader::ints(const std::string& key, std::vector<std::int64_t>& v,
                            std::size_t count) {
  copy_out(tensor(key), v, count, torch::kInt64, key, path_);
}

void CheckpointReader::module(const std::string& key, torch::nn::Module& m) {
  torch::serialize::InputArchive nested;
  try {
    if (!archive_.try_read(key, nested)) {
      throw Error("the training checkpoint lacks an entry").in_file(path_).field(key);
    }
    m.load(nested);
  } catch (const c10::Error& e) {
    throw Error("the checkpoint's network does not fit this training")
        .in_file(path_)
        .field(key)
        .found(e.msg().substr(0, e.msg().find('\n')));
  }
}

void CheckpointReader::optimiser(const std::string& key, torch::optim::Optimizer& o) {
  torch::serialize::InputArchive nested;
  try {
    if (!archive_.try_read(key, nested)) {
      throw Error("the training checkpoint lacks an entry").in_file(path_).field(key);
    }
    o.load(nested);
  } catch (const c10::Error& e) {
    throw Error("the checkpoint's optimiser state does not fit this training")
        .in_file(path_)
        .field(key)
        .found(e.msg().substr(0, e.msg().find('\n')));
  }
}

void CheckpointReader::check_settings(const nlohmann::json& settings) {
  const nlohmann::json stored = json("settings");
  const nlohmann::json patch = nlohmann::json::diff(stored, settings);
  if (patch.empty()) return;
  // The first difference, by its JSON pointer ("/learner/gamma" is named learner.gamma).
  const nlohmann::json& op = patch.front();
  const std::string where = op.contains("path") && op["path"].is_string()
                                ? op["path"].get_ref<const std::string&>()
                                : std::string();
  const nlohmann::json::json_pointer ptr(where);
  std::string name = where.empty() ? std::string("settings") : where.substr(1);
  std::replace(name.begin(), name.end(), '/', '.');
  const auto text = [&](const nlohmann::json& j) {
    return j.contains(ptr) ? j.at(ptr).dump() : std::string("(not set)");
  };
  throw Error("the interrupted training was started with other settings")
      .in_file(path_)
      .field(name)
      .expected(text(stored) + " (as it was started), or --force to start afresh")
      .found(text(settings));
}

}  // namespace parktwin::ai

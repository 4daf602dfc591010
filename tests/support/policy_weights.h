#pragma once
// Test support: a trained policy folder's weights (policy.pt) as one flat tensor, to compare two
// trainings bit for bit.

#include <torch/script.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ai/policy_card.h"

namespace parktwin::test {

inline torch::Tensor weights_of(const std::string& dir) {
  torch::jit::Module m = torch::jit::load((std::filesystem::path(dir) / ai::kWeightsFile).string());
  std::vector<torch::Tensor> all;
  for (const auto& p : m.parameters()) all.push_back(p.flatten());
  return torch::cat(all);
}

}  // namespace parktwin::test

#pragma once
// A stack of linear layers with an activation between them (ReLU for the Q networks, tanh for
// the PPO actors and critics, as CleanRL's), and its export as TorchScript: the weights as
// parameters of a torch::jit::Module and the forward pass as TorchScript text, so that a
// policy file loads anywhere libtorch does (torch.jit.load in Python) without parktwin.

#include <fmt/format.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "engine/error.h"

namespace parktwin::ai {

enum class Activation { relu, tanh };

struct Mlp {
  std::vector<torch::nn::Linear> layers;
  Activation activation = Activation::relu;

  void build(torch::nn::Module& owner, const std::string& name, int in,
             const std::vector<int>& widths, Activation act = Activation::relu) {
    activation = act;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      layers.push_back(
          owner.register_module(fmt::format("{}{}", name, i), torch::nn::Linear(in, widths[i])));
      in = widths[i];
    }
  }
  // The activation after every layer but, when `last_linear`, the last.
  torch::Tensor forward(torch::Tensor h, bool last_linear) {
    for (std::size_t i = 0; i < layers.size(); ++i) {
      h = layers[i]->forward(h);
      if (!(last_linear && i + 1 == layers.size())) {
        h = activation == Activation::relu ? torch::relu(h) : torch::tanh(h);
      }
    }
    return h;
  }
  void export_to(torch::jit::Module& m, const std::string& name) const {
    for (std::size_t i = 0; i < layers.size(); ++i) {
      m.register_parameter(fmt::format("{}_w{}", name, i), layers[i]->weight.detach().clone(),
                           false);
      m.register_parameter(fmt::format("{}_b{}", name, i), layers[i]->bias.detach().clone(), false);
    }
  }
  std::string script(const std::string& name, const std::string& in, const std::string& out,
                     bool last_linear) const {
    const char* act = activation == Activation::relu ? "relu" : "tanh";
    std::string s = fmt::format("    {} = {}\n", out, in);
    for (std::size_t i = 0; i < layers.size(); ++i) {
      s += fmt::format("    {0} = torch.matmul({0}, self.{1}_w{2}.t()) + self.{1}_b{2}\n", out,
                       name, i);
      if (!(last_linear && i + 1 == layers.size())) {
        s += fmt::format("    {0} = torch.{1}({0})\n", out, act);
      }
    }
    return s;
  }
};

// Defines `body` (TorchScript text of forward) on m and saves it; throws parktwin::Error naming
// the path when it cannot write.
inline void save_module(torch::jit::Module& m, const std::string& body, const std::string& path) {
  m.define(body);
  try {
    m.save(path);
  } catch (const c10::Error& e) {
    throw Error("cannot write the policy's weights")
        .in_file(path)
        .found(e.what_without_backtrace());
  }
}

// Loads a policy folder's TorchScript weights (`weights`: DIR/policy.pt) in evaluation mode and
// lets `check` try them on an input of the card's shape (throwing parktwin::Error when they do
// not fit); a missing file, or one torch cannot read, is an error naming it.
inline torch::jit::Module load_policy_weights(
    const std::string& weights, const std::function<void(torch::jit::Module&)>& check) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(weights, ec)) {
    throw Error("policy folder has no weights")
        .in_file(weights)
        .expected("the TorchScript file parktwin train writes");
  }
  try {
    torch::jit::Module m = torch::jit::load(weights);
    m.eval();
    check(m);
    return m;
  } catch (const c10::Error& e) {
    throw Error("cannot read the policy's weights (corrupt or not TorchScript?)")
        .in_file(weights)
        .found(e.what_without_backtrace());
  }
}

}  // namespace parktwin::ai

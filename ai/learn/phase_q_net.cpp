// The phase-scoring Q network and its TorchScript export. See phase_q_net.h.

#include "ai/learn/phase_q_net.h"

#include <fmt/format.h>
#include <torch/script.h>

#include <limits>

#include "engine/error.h"

namespace parktwin::ai {

PhaseQNetImpl::PhaseQNetImpl(int features, std::vector<int> hidden_sizes)
    : hidden(std::move(hidden_sizes)) {
  int in = features;
  for (const int h : hidden) {
    layers->push_back(torch::nn::Linear(in, h));
    in = h;
  }
  layers->push_back(torch::nn::Linear(in, 1));
  register_module("layers", layers);
}

torch::Tensor PhaseQNetImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = x;
  const std::size_t n = layers->size();
  for (std::size_t i = 0; i < n; ++i) {
    h = layers[i]->as<torch::nn::Linear>()->forward(h);
    if (i + 1 < n) h = torch::relu(h);
  }
  return h.squeeze(-1);
}

torch::Tensor masked_q(const torch::Tensor& q, const torch::Tensor& mask) {
  return q.masked_fill(mask.logical_not(), -std::numeric_limits<float>::infinity());
}

void save_torchscript(PhaseQNet& net, const std::string& path) {
  torch::jit::Module m(c10::QualifiedName("__torch__.parktwin.PhaseQNet"));
  std::string body = "def forward(self, x):\n    h = x\n";
  const std::size_t n = net->layers->size();
  for (std::size_t i = 0; i < n; ++i) {
    auto* linear = net->layers[i]->as<torch::nn::Linear>();
    m.register_parameter(fmt::format("w{}", i), linear->weight.detach().clone(), false);
    m.register_parameter(fmt::format("b{}", i), linear->bias.detach().clone(), false);
    body += fmt::format("    h = torch.matmul(h, self.w{}.t()) + self.b{}\n", i, i);
    if (i + 1 < n) body += "    h = torch.relu(h)\n";
  }
  body += "    return h.squeeze(-1)\n";
  m.define(body);
  try {
    m.save(path);
  } catch (const c10::Error& e) {
    throw Error("cannot write the policy's weights").in_file(path).found(e.what_without_backtrace());
  }
}

}  // namespace parktwin::ai

#pragma once
// The phase-scoring Q network of the DQN signal agent: one small MLP gives every (agent, green
// phase) row of phase features (ai/phase_features.h) a Q value, the same weights for every
// phase of every junction (MPLight's parameter sharing, Chen et al., AAAI 2020; FRAP's phase
// competition, Zheng et al., CIKM 2019, reduced to an independent score per phase). Masked
// slots are never chosen.

#include <torch/torch.h>

#include <string>
#include <vector>

namespace parktwin::ai {

struct PhaseQNetImpl : torch::nn::Module {
  PhaseQNetImpl(int features, std::vector<int> hidden);
  // x: [B, P, F] -> Q: [B, P]
  torch::Tensor forward(const torch::Tensor& x);

  std::vector<int> hidden;
  torch::nn::ModuleList layers;
};
TORCH_MODULE(PhaseQNet);

// Q values with masked slots at -inf: argmax over dim 1 never picks them.
torch::Tensor masked_q(const torch::Tensor& q, const torch::Tensor& mask);

// The network as a TorchScript module file, loadable without parktwin (torch.jit.load in
// Python, torch::jit::load in C++): forward(x: [B, P, F]) -> [B, P]. Throws parktwin::Error
// naming the path when it cannot be written.
void save_torchscript(PhaseQNet& net, const std::string& path);

}  // namespace parktwin::ai

#pragma once
// The Q networks of the DQN signal agents. Both score every (agent, green phase) row of phase
// features (ai/phase_features.h), with one set of weights for every phase of every junction:
// x [B, A, P, F] -> Q [B, A, P] (B states of the A agents of one network, P phase slots).
//
// - phase_q_mlp: each phase scored from its own row by a small MLP: MPLight's parameter
//   sharing (Chen et al., AAAI 2020) with FRAP's phase as the unit of choice (Zheng et al.,
//   CIKM 2019), reduced to an independent score per phase.
// - colight: the same phase scores, each also given what the agent's neighbourhood looks like,
//   by graph attention over the agent and its neighbours (the agents upstream of its incoming
//   roads): CoLight (Wei et al., CIKM 2019), one head, on embeddings that average an agent's
//   phase rows. The neighbour table comes from the network and is part of the model.

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "sim/traffic/signal_surface.h"

namespace parktwin::ai {

class SignalQNet : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& x) = 0;  // [B, A, P, F] -> [B, A, P]
  // The network as a TorchScript module file (forward as above), loadable without parktwin
  // (torch.jit.load in Python). Throws parktwin::Error naming the path when it cannot write.
  virtual void save_torchscript(const std::string& path) = 0;
  virtual const char* kind() const = 0;  // "phase_q_mlp" or "colight"
};

// kind: "phase_q_mlp" or "colight"; the surface gives the agents' layout (green phases,
// neighbours). Throws parktwin::Error for an unknown kind.
std::shared_ptr<SignalQNet> make_q_net(const std::string& kind, const std::vector<int>& hidden,
                                       const traffic::SignalSurface& surface);
bool is_q_net_kind(const std::string& kind);

// Q values with masked slots at -inf: argmax over the last dim never picks them.
torch::Tensor masked_q(const torch::Tensor& q, const torch::Tensor& mask);

}  // namespace parktwin::ai

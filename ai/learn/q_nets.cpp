// The DQN agents' Q networks and their TorchScript export. See q_nets.h for the sources.

#include "ai/learn/q_nets.h"

#include <fmt/format.h>
#include <torch/script.h>

#include <cmath>
#include <limits>

#include "ai/learn/mlp.h"
#include "ai/phase_features.h"
#include "engine/error.h"

namespace parktwin::ai {

namespace {

class PhaseQMlp : public SignalQNet {
 public:
  explicit PhaseQMlp(const std::vector<int>& hidden) {
    std::vector<int> widths = hidden;
    widths.push_back(1);
    mlp_.build(*this, "score", static_cast<int>(kPhaseFeatures), widths);
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    return mlp_.forward(x, true).squeeze(-1);
  }
  void save_torchscript(const std::string& path) override {
    torch::jit::Module m(c10::QualifiedName("__torch__.parktwin.PhaseQMlp"));
    mlp_.export_to(m, "score");
    save_module(m,
                "def forward(self, x):\n" + mlp_.script("score", "x", "h", true) +
                    "    return h.squeeze(-1)\n",
                path);
  }
  const char* kind() const override { return "phase_q_mlp"; }

 private:
  Mlp mlp_;
};

class CoLightNet : public SignalQNet {
 public:
  CoLightNet(const std::vector<int>& hidden, const traffic::SignalSurface& s) {
    const int H = hidden.empty() ? 64 : hidden.front();
    embed_.build(*this, "embed", static_cast<int>(kPhaseFeatures), {H, H});
    query_ = register_module("query", torch::nn::Linear(H, H));
    key_ = register_module("key", torch::nn::Linear(H, H));
    value_ = register_module("value", torch::nn::Linear(H, H));
    std::vector<int> widths(hidden.begin() + (hidden.empty() ? 0 : 1), hidden.end());
    widths.push_back(1);
    head_.build(*this, "head", 2 * H, widths);
    scale_ = 1.0 / std::sqrt(static_cast<double>(H));
    // The neighbourhood of each agent: itself first, then its neighbours, padded with itself
    // (masked out).
    const auto A = static_cast<long>(s.agents());
    const long N = static_cast<long>(s.neighbour_slots()) + 1;
    const long P = static_cast<long>(s.action_slots());
    auto nb = torch::zeros({A, N}, torch::kInt64);
    auto nb_mask = torch::zeros({A, N}, torch::kBool);
    auto valid = torch::zeros({A, P}, torch::kFloat32);
    for (long a = 0; a < A; ++a) {
      const auto ns = s.neighbours(static_cast<std::size_t>(a));
      nb[a][0] = a;
      nb_mask[a][0] = true;
      for (long i = 1; i < N; ++i) {
        const bool real = static_cast<std::size_t>(i - 1) < ns.size();
        nb[a][i] = real ? static_cast<long>(ns[static_cast<std::size_t>(i - 1)]) : a;
        nb_mask[a][i] = real;
      }
      for (long p = 0; p < static_cast<long>(s.greens(static_cast<std::size_t>(a)).size()); ++p) {
        valid[a][p] = 1.0f;
      }
    }
    neighbours_ = register_buffer("neighbours", nb);
    neighbour_mask_ = register_buffer("neighbour_mask", nb_mask);
    phase_valid_ = register_buffer("phase_valid", valid);
  }

  torch::Tensor forward(const torch::Tensor& x) override {
    const torch::Tensor h = embed_.forward(x, false);     // [B, A, P, H]
    const torch::Tensor pv = phase_valid_.unsqueeze(-1);  // [A, P, 1]
    const torch::Tensor e = (h * pv).sum(2) / pv.sum(1);  // [B, A, H]
    const torch::Tensor q = query_->forward(e);
    const torch::Tensor k = key_->forward(e)
                                .index_select(1, neighbours_.flatten())
                                .unflatten(1, {neighbours_.size(0), neighbours_.size(1)});
    const torch::Tensor v = value_->forward(e)
                                .index_select(1, neighbours_.flatten())
                                .unflatten(1, {neighbours_.size(0), neighbours_.size(1)});
    const torch::Tensor logits =
        ((q.unsqueeze(2) * k).sum(-1) * scale_)
            .masked_fill(neighbour_mask_.logical_not(), -std::numeric_limits<float>::infinity());
    const torch::Tensor alpha = torch::softmax(logits, -1);    // [B, A, N]
    const torch::Tensor c = (alpha.unsqueeze(-1) * v).sum(2);  // [B, A, H]
    const torch::Tensor z = torch::cat({h, c.unsqueeze(2).expand_as(h)}, -1);
    return head_.forward(z, true).squeeze(-1);
  }

  void save_torchscript(const std::string& path) override {
    torch::jit::Module m(c10::QualifiedName("__torch__.parktwin.CoLight"));
    embed_.export_to(m, "embed");
    head_.export_to(m, "head");
    for (const auto& [name, l] : {std::pair{"query", query_}, {"key", key_}, {"value", value_}}) {
      m.register_parameter(fmt::format("{}_w0", name), l->weight.detach().clone(), false);
      m.register_parameter(fmt::format("{}_b0", name), l->bias.detach().clone(), false);
    }
    m.register_buffer("neighbours", neighbours_.clone());
    m.register_buffer("neighbour_mask", neighbour_mask_.clone());
    m.register_buffer("phase_valid", phase_valid_.clone());
    std::string body = "def forward(self, x):\n" + embed_.script("embed", "x", "h", false);
    body += fmt::format(
        "    pv = self.phase_valid.unsqueeze(-1)\n"
        "    e = (h * pv).sum(2) / pv.sum(1)\n"
        "    q = torch.matmul(e, self.query_w0.t()) + self.query_b0\n"
        "    idx = self.neighbours.flatten()\n"
        "    shape = [e.size(0), self.neighbours.size(0), self.neighbours.size(1), e.size(2)]\n"
        "    k = (torch.matmul(e, self.key_w0.t()) + self.key_b0).index_select(1, "
        "idx).reshape(shape)\n"
        "    v = (torch.matmul(e, self.value_w0.t()) + self.value_b0).index_select(1, "
        "idx).reshape(shape)\n"
        "    logits = ((q.unsqueeze(2) * k).sum(-1) * "
        "{}).masked_fill(self.neighbour_mask.logical_not(), float('-inf'))\n"
        "    alpha = torch.softmax(logits, -1)\n"
        "    c = (alpha.unsqueeze(-1) * v).sum(2)\n"
        "    z = torch.cat([h, c.unsqueeze(2).expand_as(h)], -1)\n",
        scale_);
    body += head_.script("head", "z", "o", true) + "    return o.squeeze(-1)\n";
    save_module(m, body, path);
  }
  const char* kind() const override { return "colight"; }

 private:
  Mlp embed_, head_;
  torch::nn::Linear query_{nullptr}, key_{nullptr}, value_{nullptr};
  torch::Tensor neighbours_, neighbour_mask_, phase_valid_;
  double scale_ = 1.0;
};

}  // namespace

bool is_q_net_kind(const std::string& kind) { return kind == "phase_q_mlp" || kind == "colight"; }

std::shared_ptr<SignalQNet> make_q_net(const std::string& kind, const std::vector<int>& hidden,
                                       const traffic::SignalSurface& surface) {
  if (kind == "phase_q_mlp") return std::make_shared<PhaseQMlp>(hidden);
  if (kind == "colight") return std::make_shared<CoLightNet>(hidden, surface);
  throw Error("unknown Q network").field("model").expected("phase_q_mlp or colight").found(kind);
}

torch::Tensor masked_q(const torch::Tensor& q, const torch::Tensor& mask) {
  return q.masked_fill(mask.logical_not(), -std::numeric_limits<float>::infinity());
}

}  // namespace parktwin::ai

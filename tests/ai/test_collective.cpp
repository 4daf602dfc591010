// The collective operations a distributed training relies on, with the other rank played by a
// buffer: gathered rollouts take the layout one process stepping every copy would have.

#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "ai/learn/collective.h"

namespace parktwin {
namespace {

// Rank 0 of two, rank 1's contribution given beforehand.
class TwoRanks final : public ai::Collective {
 public:
  explicit TwoRanks(std::vector<int> other) : other_(std::move(other)) {}
  int size() const override { return 2; }
  void all_gather(const void* mine, std::size_t bytes, void* all) override {
    REQUIRE(bytes == other_.size() * sizeof(int));
    std::memcpy(all, mine, bytes);
    std::memcpy(static_cast<char*>(all) + bytes, other_.data(), bytes);
  }

 private:
  std::vector<int> other_;
};

TEST_CASE("a gathered rollout is laid out step by step, the ranks' copies in rank order",
          "[ai][collective]") {
  // 2 steps x 2 copies per rank x rows of 3: value = 100 x step + 10 x copy + cell, copies 0-1
  // on rank 0 and 2-3 on rank 1.
  const auto rollout = [](int first_copy) {
    std::vector<int> v;
    for (int s = 0; s < 2; ++s) {
      for (int c = first_copy; c < first_copy + 2; ++c) {
        for (int x = 0; x < 3; ++x) v.push_back(100 * s + 10 * c + x);
      }
    }
    return v;
  };
  TwoRanks ranks(rollout(2));
  const std::vector<int> mine = rollout(0);
  std::vector<int> all(mine.size() * 2, -1);
  ai::gather_rollout<int>(ranks, mine, 2, all);
  std::vector<int> expected;
  for (int s = 0; s < 2; ++s) {
    for (int c = 0; c < 4; ++c) {
      for (int x = 0; x < 3; ++x) expected.push_back(100 * s + 10 * c + x);
    }
  }
  CHECK(all == expected);

  ai::Collective alone;  // one process: the rollout as it is
  std::vector<int> same(mine.size());
  ai::gather_rollout<int>(alone, mine, 2, same);
  CHECK(same == mine);
  CHECK(ai::all_gather<int>(ranks, std::span<const int>(mine)).size() == 2 * mine.size());
}

}  // namespace
}  // namespace parktwin

// The MPI functions of sweep and train on OpenMPI. See mpi_world.h.

#include "tools/mpi_world.h"

#include <mpi.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/error.h"

namespace parktwin::cli::mpi {

namespace {
constexpr int kTag = 2026;
bool g_joined = false;  // MPI itself is process-global: MPI_Init once, MPI_Finalize once.
}  // namespace

World join() {
  // Only under a launcher: a plain `parktwin sweep` must not need one.
  const bool launched = std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr ||
                        std::getenv("PMI_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr;
  if (!launched) return {};
  if (!g_joined) {
    if (MPI_Init(nullptr, nullptr) != MPI_SUCCESS) throw Error("MPI_Init failed");
    g_joined = true;
  }
  World w;
  MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &w.size);
  return w;
}

void leave() {
  if (g_joined) MPI_Finalize();
  g_joined = false;
}

int broadcast(int value) {
  MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return value;
}

void send(int to, const std::string& text) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, kTag, MPI_COMM_WORLD);
}

namespace {
std::string receive_probed(const MPI_Status& probed) {
  int n = 0;
  MPI_Get_count(&probed, MPI_CHAR, &n);
  std::string text(static_cast<std::size_t>(n), '\0');
  MPI_Recv(text.data(), n, MPI_CHAR, probed.MPI_SOURCE, kTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}
}  // namespace

std::string receive(int from) {
  MPI_Status st;
  MPI_Probe(from, kTag, MPI_COMM_WORLD, &st);
  return receive_probed(st);
}

bool poll(int& from, std::string& text) {
  int flag = 0;
  MPI_Status st;
  MPI_Iprobe(MPI_ANY_SOURCE, kTag, MPI_COMM_WORLD, &flag, &st);
  if (!flag) return false;
  from = st.MPI_SOURCE;
  text = receive_probed(st);
  return true;
}

void all_gather(const void* mine, std::size_t bytes, void* all) {
  // MPI counts are ints: large gathers go in pieces of at most 1 GiB per rank.
  constexpr std::size_t kPiece = std::size_t{1} << 30;
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (bytes <= kPiece) {
    MPI_Allgather(mine, static_cast<int>(bytes), MPI_BYTE, all, static_cast<int>(bytes), MPI_BYTE,
                  MPI_COMM_WORLD);
    return;
  }
  std::vector<char> piece;
  for (std::size_t at = 0; at < bytes; at += kPiece) {
    const std::size_t n = std::min(kPiece, bytes - at);
    piece.resize(n * static_cast<std::size_t>(size));
    MPI_Allgather(static_cast<const char*>(mine) + at, static_cast<int>(n), MPI_BYTE, piece.data(),
                  static_cast<int>(n), MPI_BYTE, MPI_COMM_WORLD);
    for (int r = 0; r < size; ++r) {
      std::copy_n(piece.data() + static_cast<std::size_t>(r) * n, n,
                  static_cast<char*>(all) + static_cast<std::size_t>(r) * bytes + at);
    }
  }
}

int local_ranks(int world_size) {
  const char* v = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  const int n = v != nullptr ? std::atoi(v) : 0;
  return n >= 1 ? n : std::max(1, world_size);
}

void abort_all(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // MPI_Abort does not return; should it, this process still ends
}

}  // namespace parktwin::cli::mpi

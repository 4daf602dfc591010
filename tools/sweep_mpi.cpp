// The sweep's MPI functions on OpenMPI. See sweep_mpi.h.

#include "tools/sweep_mpi.h"

#include <mpi.h>

#include <cstdlib>
#include <string>

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

}  // namespace parktwin::cli::mpi

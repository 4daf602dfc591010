// The MPI functions of sweep and train without MPI: a world of one. See mpi_world.h.

#include <cstdlib>
#include <cstring>
#include <string>

#include "engine/assert.h"
#include "engine/error.h"
#include "tools/mpi_world.h"

namespace parktwin::cli::mpi {

World join() {
  // What OpenMPI's and MPICH's launchers set in every process they start.
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && std::atoi(v) > 1) {
      throw Error("this parktwin was built without MPI")
          .expected(
              "a build where CMake found MPI (libopenmpi-dev), or parktwin sweep without "
              "mpirun (--jobs J)")
          .found(std::string(var) + "=" + v);
    }
  }
  return {};
}
void leave() {}
int broadcast(int value) { return value; }
void send(int, const std::string&) { PT_ASSERT(false, "no other ranks without MPI"); }
std::string receive(int) {
  PT_ASSERT(false, "no other ranks without MPI");
  return {};
}
bool poll(int&, std::string&) { return false; }
void all_gather(const void* mine, std::size_t bytes, void* all) {
  if (bytes > 0) std::memcpy(all, mine, bytes);
}
int local_ranks(int world_size) {
  const char* v = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  const int n = v != nullptr ? std::atoi(v) : 0;
  return n >= 1 ? n : std::max(1, world_size);
}

void abort_all(int code) { std::_Exit(code); }

}  // namespace parktwin::cli::mpi

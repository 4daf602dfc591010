// The sweep's MPI functions without MPI: a world of one. See sweep_mpi.h.

#include <cstdlib>
#include <string>

#include "engine/assert.h"
#include "engine/error.h"
#include "tools/sweep_mpi.h"

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

}  // namespace parktwin::cli::mpi

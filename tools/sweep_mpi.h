#pragma once
// The MPI side of `parktwin sweep` under `mpirun -n N` (docs/cluster.md): rank 0 hands runs out
// one at a time to whichever rank asks; each rank runs its runs as child processes. Two builds
// of these functions: with Debian's OpenMPI (sweep_mpi.cpp, in the parktwin binary when CMake
// finds MPI) and without (sweep_mpi_none.cpp: one rank; started by mpirun, a clear error).

#include <string>

namespace parktwin::cli::mpi {

struct World {
  int rank = 0, size = 1;
};

// Joins the MPI world when this process was started by mpirun (MPI_Init), else a world of
// one. Throws parktwin::Error when started by mpirun in a build without MPI.
World join();
// MPI_Finalize, when joined.
void leave();
// Rank 0's value, on every rank.
int broadcast(int value);
// Messages between ranks: text, tagged as the sweep's.
void send(int to, const std::string& text);
std::string receive(int from);
// A message from any rank, if one waits: true with its sender and text.
bool poll(int& from, std::string& text);

}  // namespace parktwin::cli::mpi

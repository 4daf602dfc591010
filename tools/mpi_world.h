#pragma once
// The MPI side of `parktwin sweep` under `mpirun -n N` (docs/cluster.md): rank 0 hands runs out
// one at a time to whichever rank asks; each rank runs its runs as child processes. Two builds
// of these functions: with Debian's OpenMPI (mpi_world.cpp, in the parktwin binary when CMake
// finds MPI) and without (mpi_world_none.cpp: one rank; started by mpirun, a clear error).

#include <cstddef>
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
// Every rank's `bytes` bytes at `mine`, in rank order, into `all` (size x bytes), on every rank.
void all_gather(const void* mine, std::size_t bytes, void* all);
// The ranks on this machine (of a world of `world_size`): what OpenMPI's launcher says, else
// all of them.
int local_ranks(int world_size);
// Ends every rank of the job with `code` (what a rank that failed alone must do: the others
// would wait for it forever).
[[noreturn]] void abort_all(int code);

}  // namespace parktwin::cli::mpi

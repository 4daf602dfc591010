#pragma once
// Work that may crash in a library we cannot fix, run where a crash cannot end the program.

#include <functional>
#include <string>

namespace parktwin {

// Runs `work` in a child process (fork) and returns when it has ended well. When `work`
// throws, its what() text is thrown here as a parktwin::Error; when the child dies (a signal,
// or an exit without an error), the Error is `failure` in the file `path`, found how it died.
// The child shares nothing with this process afterwards but the files it writes, and leaves
// by _exit (no exit handlers: they belong to the parent). Call it before any other thread
// starts: a forked child has just the thread that called fork, and a lock another thread held
// (in libhdf5, in malloc) would stay held in the child for ever.
void run_in_child_process(const std::function<void()>& work, const std::string& path,
                          const std::string& failure);

}  // namespace parktwin

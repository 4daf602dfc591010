#include "engine/child_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <exception>

#include "engine/error.h"

namespace parktwin {

namespace {

void write_all(int fd, const std::string& text) {
  for (std::size_t at = 0; at < text.size();) {
    const ssize_t n = ::write(fd, text.data() + at, text.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    at += static_cast<std::size_t>(n);
  }
}

std::string read_all(int fd) {
  std::string text;
  std::array<char, 512> buffer{};
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return text;
    text.append(buffer.data(), static_cast<std::size_t>(n));
  }
}

}  // namespace

void run_in_child_process(const std::function<void()>& work, const std::string& path,
                          const std::string& failure) {
  std::array<int, 2> pipe_fds{};
  if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
    throw Error("cannot start a child process").in_file(path).found(std::strerror(errno));
  }
  const pid_t child = ::fork();
  if (child < 0) {
    const int error = errno;
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    throw Error("cannot start a child process").in_file(path).found(std::strerror(error));
  }
  if (child == 0) {
    ::close(pipe_fds[0]);
    int code = 0;
    try {
      work();
    } catch (const std::exception& e) {
      write_all(pipe_fds[1], e.what());
      code = 1;
    } catch (...) {
      write_all(pipe_fds[1], "unknown exception");
      code = 1;
    }
    ::_exit(code);
  }
  ::close(pipe_fds[1]);
  const std::string message = read_all(pipe_fds[0]);
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR)
      throw Error("lost a child process").in_file(path).found(std::strerror(errno));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  if (WIFEXITED(status) && !message.empty()) throw Error(message);
  throw Error(failure).in_file(path).found(
      WIFSIGNALED(status)
          ? fmt::format("ended by signal {} ({})", WTERMSIG(status), ::strsignal(WTERMSIG(status)))
          : fmt::format("exited with {}", WEXITSTATUS(status)));
}

}  // namespace parktwin

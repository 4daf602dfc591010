#include "tools/video_encoder.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/error.h"

extern char** environ;

namespace parktwin::cli {

namespace {

// The last `lines` non-blank lines of ffmpeg's log, joined by " / ": what it said last.
std::string last_lines(const std::string& text, std::size_t lines) {
  std::vector<std::string> kept;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \r\t") != std::string::npos) kept.push_back(line);
  }
  std::string out;
  for (std::size_t i = kept.size() > lines ? kept.size() - lines : 0; i < kept.size(); ++i) {
    out += (out.empty() ? "" : " / ") + kept[i];
  }
  return out;
}

}  // namespace

void VideoEncoder::check_size(int width, int height) {
  if (width % 2 != 0 || height % 2 != 0) {
    throw Error("video size not even")
        .field("--size")
        .expected("an even width and height (H.264's 4:2:0 colour halves both)")
        .found(fmt::format("{}x{}", width, height));
  }
}

VideoEncoder::VideoEncoder(std::string path, int width, int height, double fps)
    : path_(std::move(path)),
      partial_path_(path_ + ".partial.mp4"),
      width_(width),
      height_(height) {
  check_size(width, height);
  // ffmpeg's messages go to a file of their own, quoted when it fails.
  std::string log_template =
      (std::filesystem::temp_directory_path() / "parktwin-ffmpeg-XXXXXX").string();
  const int log_fd = mkostemp(log_template.data(), O_CLOEXEC);
  if (log_fd < 0) {
    throw Error("cannot create ffmpeg's log").in_file(log_template).found(std::strerror(errno));
  }
  log_path_ = log_template;
  // A socket rather than a pipe: send(MSG_NOSIGNAL) reports a stopped ffmpeg as EPIPE instead
  // of a SIGPIPE that would end parktwin without a word.
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    const std::string why = std::strerror(errno);
    close(log_fd);
    std::filesystem::remove(log_path_);
    throw Error("cannot start ffmpeg").in_file(path_).found(why);
  }
  const std::string size = fmt::format("{}x{}", width, height);
  const std::string rate = fmt::format("{}", fps);
  std::vector<std::string> args = {"ffmpeg",     "-hide_banner", "-loglevel", "error",
                                   "-y",         "-f",           "rawvideo",  "-pixel_format",
                                   "rgba",       "-video_size",  size,        "-framerate",
                                   rate,         "-i",           "pipe:0",    "-an",
                                   "-c:v",       "libx264",      "-preset",   "veryfast",
                                   "-crf",       "20",           "-pix_fmt",  "yuv420p",
                                   "-movflags",  "+faststart",   "-f",        "mp4",
                                   partial_path_};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
  const int spawned = posix_spawnp(&child_, "ffmpeg", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(sv[1]);
  close(log_fd);
  if (spawned != 0) {
    close(sv[0]);
    std::filesystem::remove(log_path_);
    child_ = -1;
    throw Error("cannot start ffmpeg")
        .in_file(path_)
        .field("--video")
        .expected(
            "ffmpeg on PATH (Debian's ffmpeg package: apt install ffmpeg, or "
            "tools/install-deps.sh)")
        .found(std::strerror(spawned));
  }
  stream_fd_ = sv[0];
}

VideoEncoder::~VideoEncoder() {
  if (child_ > 0) {
    kill(child_, SIGTERM);
    stop_child();
  }
  std::error_code ec;
  std::filesystem::remove(partial_path_, ec);
  if (!log_path_.empty()) std::filesystem::remove(log_path_, ec);
}

void VideoEncoder::add_frame(const render::RgbaImage& image) {
  if (image.width != width_ || image.height != height_) {
    fail(
        fmt::format("frame of {}x{} in a {}x{} video", image.width, image.height, width_, height_));
  }
  const std::uint8_t* data = image.pixels.data();
  std::size_t left = image.pixels.size();
  while (left > 0) {
    const ssize_t n = send(stream_fd_, data, left, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("ffmpeg stopped reading frames");
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  ++frames_;
}

void VideoEncoder::finish() {
  const int status = [&] {
    close(stream_fd_);
    stream_fd_ = -1;
    int st = 0;
    while (waitpid(child_, &st, 0) < 0 && errno == EINTR) {
    }
    child_ = -1;
    return st;
  }();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fail(WIFEXITED(status) ? fmt::format("ffmpeg failed (exit {})", WEXITSTATUS(status))
                           : fmt::format("ffmpeg died (signal {})", WTERMSIG(status)));
  }
  std::error_code ec;
  std::filesystem::rename(partial_path_, path_, ec);
  if (ec) fail("cannot move the video into place: " + ec.message());
}

void VideoEncoder::fail(const std::string& message) {
  stop_child();
  std::string said = ffmpeg_message();
  std::error_code ec;
  std::filesystem::remove(partial_path_, ec);
  throw Error(message).in_file(path_).found(said.empty() ? "no message from ffmpeg"
                                                         : "ffmpeg: " + said);
}

void VideoEncoder::stop_child() {
  if (stream_fd_ >= 0) {
    close(stream_fd_);
    stream_fd_ = -1;
  }
  if (child_ > 0) {
    int st = 0;
    while (waitpid(child_, &st, 0) < 0 && errno == EINTR) {
    }
    child_ = -1;
  }
}

std::string VideoEncoder::ffmpeg_message() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return last_lines(text.str(), 3);
}

}  // namespace parktwin::cli

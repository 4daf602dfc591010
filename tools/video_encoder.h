#pragma once
// `parktwin render --video`'s encoder: frames piped, as raw RGBA, into Debian's ffmpeg, which
// writes an H.264 MP4 (yuv420p, the format every player and browser plays). The video is
// written beside the target and renamed over it only once ffmpeg has finished well, so a
// failed or interrupted encode never leaves half a video where the user asked for one.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "render/offscreen_renderer.h"

namespace parktwin::cli {

class VideoEncoder {
 public:
  // Throws parktwin::Error naming --size unless both sides are even (H.264's 4:2:0).
  static void check_size(int width, int height);
  // Starts ffmpeg for `width` x `height` frames (both even: H.264's 4:2:0 halves them) at
  // `fps` frames per second. Throws parktwin::Error naming `path` when ffmpeg cannot be
  // started (not installed: the error says which package gives it).
  VideoEncoder(std::string path, int width, int height, double fps);
  // Without finish(): ffmpeg is stopped and its partial output removed.
  ~VideoEncoder();
  VideoEncoder(const VideoEncoder&) = delete;
  VideoEncoder& operator=(const VideoEncoder&) = delete;

  // Sends one frame (of the size given above). Throws parktwin::Error naming the file and
  // quoting ffmpeg's message when ffmpeg has stopped.
  void add_frame(const render::RgbaImage& image);
  // Ends the stream, waits for ffmpeg and moves the video to its path. Throws
  // parktwin::Error (ffmpeg's message quoted) when it failed; nothing is left at the path then.
  void finish();

  std::int64_t frames() const { return frames_; }

 private:
  [[noreturn]] void fail(const std::string& message);
  void stop_child();
  std::string ffmpeg_message() const;

  std::string path_, partial_path_, log_path_;
  int width_ = 0, height_ = 0;
  int stream_fd_ = -1;  // our end of the socket that is ffmpeg's standard input
  pid_t child_ = -1;
  std::int64_t frames_ = 0;
};

}  // namespace parktwin::cli

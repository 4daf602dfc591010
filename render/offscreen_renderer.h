#pragma once
// Draws a SceneView into an image in GPU memory and reads it back: `parktwin render`'s
// frames, golden-image tests and the renderer benchmark, with no window and no display.
// A frame is two passes in order (STYLE.md 13b): flat geometry (ground, lanes, stop lines),
// then instanced vehicles; 4x multisampling where the device has it.

#include <cstdint>
#include <memory>
#include <vector>

#include "render/camera.h"

namespace parktwin::render {

class VulkanContext;

struct RgbaImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // row-major, top row first, 4 bytes per pixel
};

class OffscreenRenderer {
 public:
  static constexpr int kMinSide = 16, kMaxSide = 8192;  // pixels

  // The context must outlive the renderer. `max_samples`: 4 for 4x multisampling where the
  // device has it, 1 for none. Throws parktwin::Error for a size outside kMinSide..kMaxSide
  // pixels a side.
  OffscreenRenderer(const VulkanContext& ctx, int width, int height, int max_samples = 4);
  ~OffscreenRenderer();
  OffscreenRenderer(const OffscreenRenderer&) = delete;
  OffscreenRenderer& operator=(const OffscreenRenderer&) = delete;

  // Draws the scene and waits for the picture, which stays valid until the next call.
  const RgbaImage& render(const SceneView& scene, const Camera& camera);
  // Draws the scene and waits for the device, without reading the picture back (benchmarks).
  void draw(const SceneView& scene, const Camera& camera);
  int samples() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parktwin::render

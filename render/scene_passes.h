#pragma once
// The two passes of a frame (STYLE.md 13b), recorded into a render pass that the caller owns
// (an offscreen image, or a window's swapchain image):
//   1. flat geometry: ground and junctions, junction links when close, lanes, stop lines;
//   2. buildings: extruded footprints, depth-tested;
//   3. vehicles: one instanced box each, depth-tested.
// Vertex data goes through host-visible buffers, one set per frame in flight, so that a frame
// can be filled while the device still draws the one before.

#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "render/camera.h"
#include "render/vulkan/context.h"
#include "render/vulkan/resources.h"

namespace parktwin::render {

class ScenePasses {
 public:
  // Scenes one frame may draw (side by side: a baseline and its variant).
  static constexpr std::uint32_t kMaxPanes = 2;

  // Pipelines for subpass 0 of `pass` with `samples` samples; `slots` frames in flight.
  ScenePasses(const VulkanContext& ctx, VkRenderPass pass, VkSampleCountFlagBits samples,
              std::uint32_t slots);
  ~ScenePasses();
  ScenePasses(const ScenePasses&) = delete;
  ScenePasses& operator=(const ScenePasses&) = delete;

  // Copies the scene into the buffers of slot `slot` and pane `pane` (whose previous frame
  // must have finished) and records both passes into `cmd`, inside the render pass, drawing
  // into `area` of the target.
  void record(VkCommandBuffer cmd, std::uint32_t slot, std::uint32_t pane, const SceneView& scene,
              const Camera& camera, VkRect2D area);

 private:
  // The push constants of assets/shaders/camera.glsl.
  struct CameraConstants {
    std::array<float, 16> view_projection;
    std::array<float, 4> minimum;
    std::array<float, 4> eye;
  };
  enum class Depth { none, test_and_write };
  VkPipeline pipeline(VkShaderModule vert, VkShaderModule frag,
                      std::span<const VkVertexInputAttributeDescription> attributes,
                      std::uint32_t stride, VkVertexInputRate rate, Depth depth);
  void reserve(Buffer& b, std::size_t bytes);

  const VulkanContext& ctx_;
  VkDevice device_;
  VkRenderPass pass_;
  VkSampleCountFlagBits samples_;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline flat_pipeline_ = VK_NULL_HANDLE, vehicle_pipeline_ = VK_NULL_HANDLE,
             solid_pipeline_ = VK_NULL_HANDLE;
  std::vector<Buffer> flat_, instances_, solids_;  // per slot and pane: [slot * kMaxPanes + pane]
};

}  // namespace parktwin::render

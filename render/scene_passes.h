#pragma once
// The two passes of a frame (STYLE.md 13b), recorded into a render pass that the caller owns
// (an offscreen image, or a window's swapchain image):
//   1. flat geometry: ground and junctions, junction links when close, lanes, stop lines;
//   2. vehicles: one instanced rectangle each.
// Vertex data goes through host-visible buffers, one set per frame in flight, so that a frame
// can be filled while the device still draws the one before.

#include <vulkan/vulkan.h>

#include <cstdint>
#include <span>
#include <vector>

#include "render/scene_view.h"
#include "render/vulkan/context.h"
#include "render/vulkan/resources.h"

namespace parktwin::render {

class ScenePasses {
 public:
  // Pipelines for subpass 0 of `pass` with `samples` samples; `slots` frames in flight.
  ScenePasses(const VulkanContext& ctx, VkRenderPass pass, VkSampleCountFlagBits samples,
              std::uint32_t slots);
  ~ScenePasses();
  ScenePasses(const ScenePasses&) = delete;
  ScenePasses& operator=(const ScenePasses&) = delete;

  // Copies the scene into slot `slot`'s buffers (whose previous frame must have finished) and
  // records both passes into `cmd`, inside the render pass, for a `width` x `height` target.
  void record(VkCommandBuffer cmd, std::uint32_t slot, const SceneView& scene, const Camera& camera,
              std::uint32_t width, std::uint32_t height);

 private:
  VkPipeline pipeline(VkShaderModule vert, VkShaderModule frag,
                      std::span<const VkVertexInputAttributeDescription> attributes,
                      std::uint32_t stride, VkVertexInputRate rate);
  void reserve(Buffer& b, std::size_t bytes);

  const VulkanContext& ctx_;
  VkDevice device_;
  VkRenderPass pass_;
  VkSampleCountFlagBits samples_;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline flat_pipeline_ = VK_NULL_HANDLE, vehicle_pipeline_ = VK_NULL_HANDLE;
  std::vector<Buffer> flat_, instances_;  // per slot
};

}  // namespace parktwin::render

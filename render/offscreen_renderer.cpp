#include "render/offscreen_renderer.h"

#include <fmt/format.h>

#include <array>
#include <cstring>

#include "engine/error.h"
#include "render/scene_passes.h"
#include "render/vulkan/context.h"
#include "render/vulkan/render_pass.h"
#include "render/vulkan/resources.h"
#include "render/vulkan/vk_check.h"

namespace parktwin::render {

namespace {

constexpr VkFormat kColourFormat = VK_FORMAT_R8G8B8A8_UNORM;
constexpr VkMemoryPropertyFlags kHostMemory =
    VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;

}  // namespace

struct OffscreenRenderer::Impl {
  const VulkanContext& ctx;
  VkDevice device;
  std::uint32_t width, height;
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  Image msaa, depth, target;  // msaa is unused with one sample
  VkRenderPass pass = VK_NULL_HANDLE;
  VkFramebuffer framebuffer = VK_NULL_HANDLE;
  std::unique_ptr<ScenePasses> passes;
  Buffer readback;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;
  RgbaImage image;

  Impl(const VulkanContext& c, int w, int h, int max_samples)
      : ctx(c),
        device(c.device()),
        width(static_cast<std::uint32_t>(w)),
        height(static_cast<std::uint32_t>(h)) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(ctx.physical_device(), &props);
    if (max_samples >= 4 &&
        (props.limits.framebufferColorSampleCounts & VK_SAMPLE_COUNT_4_BIT) != 0) {
      samples = VK_SAMPLE_COUNT_4_BIT;
    }
    const bool ms = samples != VK_SAMPLE_COUNT_1_BIT;
    target = Image(ctx, width, height, kColourFormat,
                   VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                   VK_IMAGE_ASPECT_COLOR_BIT);
    if (ms) {
      msaa = Image(ctx, width, height, kColourFormat, VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT,
                   VK_IMAGE_ASPECT_COLOR_BIT, samples);
    }
    const VkFormat depth_fmt = depth_format(ctx.physical_device());
    depth = Image(ctx, width, height, depth_fmt, VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT,
                  VK_IMAGE_ASPECT_DEPTH_BIT, samples);
    make_pass(ms, depth_fmt);
    passes = std::make_unique<ScenePasses>(ctx, pass, samples, 1);
    readback = Buffer(ctx, VkDeviceSize{width} * height * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                      kHostMemory);
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = ctx.command_pool();
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    PT_VK_CHECK(vkAllocateCommandBuffers(device, &ai, &cmd));
    VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    PT_VK_CHECK(vkCreateFence(device, &fi, nullptr, &fence));
    image.width = w;
    image.height = h;
    image.pixels.resize(std::size_t{width} * height * 4);
  }

  ~Impl() {
    vkDeviceWaitIdle(device);
    vkDestroyFence(device, fence, nullptr);
    vkFreeCommandBuffers(device, ctx.command_pool(), 1, &cmd);
    passes.reset();
    vkDestroyFramebuffer(device, framebuffer, nullptr);
    vkDestroyRenderPass(device, pass, nullptr);
  }

  // The pass, and its framebuffer over the multisampled image, depth and the target.
  void make_pass(bool ms, VkFormat depth_fmt) {
    pass = make_colour_pass(device, kColourFormat, depth_fmt, samples,
                            VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
    const std::array<VkImageView, 3> views{ms ? msaa.view() : target.view(), depth.view(),
                                           target.view()};
    VkFramebufferCreateInfo fb{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
    fb.renderPass = pass;
    fb.attachmentCount = ms ? 3 : 2;
    fb.pAttachments = views.data();
    fb.width = width;
    fb.height = height;
    fb.layers = 1;
    PT_VK_CHECK(vkCreateFramebuffer(device, &fb, nullptr, &framebuffer));
  }

  void frame(const SceneView& scene, const Camera& cam, bool read_back) {
    const float background[3] = {scene.background.red(), scene.background.green(),
                                 scene.background.blue()};
    begin_colour_pass(cmd, pass, framebuffer, VkExtent2D{width, height}, background);
    passes->record(cmd, 0, 0, scene, cam, VkRect2D{{0, 0}, {width, height}});
    vkCmdEndRenderPass(cmd);
    if (read_back) {
      VkBufferImageCopy copy{};
      copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
      copy.imageExtent = {width, height, 1};
      vkCmdCopyImageToBuffer(cmd, target.get(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                             readback.get(), 1, &copy);
      VkBufferMemoryBarrier to_host{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
      to_host.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
      to_host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
      to_host.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
      to_host.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
      to_host.buffer = readback.get();
      to_host.size = VK_WHOLE_SIZE;
      vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0,
                           nullptr, 1, &to_host, 0, nullptr);
    }
    PT_VK_CHECK(vkEndCommandBuffer(cmd));
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd;
    PT_VK_CHECK(vkQueueSubmit(ctx.queue(), 1, &si, fence));
    PT_VK_CHECK(vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX));
    PT_VK_CHECK(vkResetFences(device, 1, &fence));
    if (read_back) std::memcpy(image.pixels.data(), readback.mapped(), image.pixels.size());
  }
};

OffscreenRenderer::OffscreenRenderer(const VulkanContext& ctx, int width, int height,
                                     int max_samples) {
  if (width < kMinSide || height < kMinSide || width > kMaxSide || height > kMaxSide) {
    throw Error("image size out of range")
        .field("--size")
        .expected(fmt::format("{}..{} pixels a side", kMinSide, kMaxSide))
        .found(fmt::format("{}x{}", width, height));
  }
  impl_ = std::make_unique<Impl>(ctx, width, height, max_samples);
}

OffscreenRenderer::~OffscreenRenderer() = default;

const RgbaImage& OffscreenRenderer::render(const SceneView& scene, const Camera& camera) {
  impl_->frame(scene, camera, /*read_back=*/true);
  return impl_->image;
}

void OffscreenRenderer::draw(const SceneView& scene, const Camera& camera) {
  impl_->frame(scene, camera, /*read_back=*/false);
}

int OffscreenRenderer::samples() const { return static_cast<int>(impl_->samples); }

}  // namespace parktwin::render

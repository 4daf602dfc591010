#include "render/vulkan/render_pass.h"

#include <array>
#include <cstdint>

#include "render/vulkan/vk_check.h"

namespace parktwin::render {

VkFormat depth_format(VkPhysicalDevice device) {
  VkFormatProperties props;
  vkGetPhysicalDeviceFormatProperties(device, VK_FORMAT_D32_SFLOAT, &props);
  return (props.optimalTilingFeatures & VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT) != 0
             ? VK_FORMAT_D32_SFLOAT
             : VK_FORMAT_D16_UNORM;
}

VkRenderPass make_colour_pass(VkDevice device, VkFormat format, VkFormat depth_format,
                              VkSampleCountFlagBits samples, VkImageLayout final_layout) {
  // Multisampled: draw into attachment 0, resolve into attachment 2 (the target); else draw
  // into the target itself.
  const bool ms = samples != VK_SAMPLE_COUNT_1_BIT;
  std::array<VkAttachmentDescription, 3> att{};
  att[0].format = format;
  att[0].samples = samples;
  att[0].loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
  att[0].storeOp = ms ? VK_ATTACHMENT_STORE_OP_DONT_CARE : VK_ATTACHMENT_STORE_OP_STORE;
  att[0].stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  att[0].stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  att[0].initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  att[0].finalLayout = ms ? VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL : final_layout;
  att[1] = att[0];
  att[1].format = depth_format;
  att[1].storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  att[1].finalLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL;
  att[2] = att[0];
  att[2].samples = VK_SAMPLE_COUNT_1_BIT;
  att[2].loadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  att[2].storeOp = VK_ATTACHMENT_STORE_OP_STORE;
  att[2].finalLayout = final_layout;
  const VkAttachmentReference colour{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  const VkAttachmentReference depth{1, VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL};
  const VkAttachmentReference resolve{2, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  VkSubpassDescription sub{};
  sub.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  sub.colorAttachmentCount = 1;
  sub.pColorAttachments = &colour;
  sub.pResolveAttachments = ms ? &resolve : nullptr;
  sub.pDepthStencilAttachment = &depth;
  // In: the previous frame's read-back (or presentation) and depth tests are done before
  // drawing again (the depth image is shared by the frames in flight). Out: drawing is done
  // before the image is copied out (or presented).
  std::array<VkSubpassDependency, 2> deps{};
  deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
  deps[0].dstSubpass = 0;
  constexpr VkPipelineStageFlags kDepthStages =
      VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT;
  deps[0].srcStageMask =
      VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT | kDepthStages;
  deps[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT | kDepthStages;
  deps[0].srcAccessMask =
      VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
  deps[0].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT |
                          VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_READ_BIT |
                          VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
  deps[1].srcSubpass = 0;
  deps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
  deps[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[1].dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT;
  deps[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  deps[1].dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  VkRenderPassCreateInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  rp.attachmentCount = ms ? 3 : 2;
  rp.pAttachments = att.data();
  rp.subpassCount = 1;
  rp.pSubpasses = &sub;
  rp.dependencyCount = static_cast<std::uint32_t>(deps.size());
  rp.pDependencies = deps.data();
  VkRenderPass pass = VK_NULL_HANDLE;
  PT_VK_CHECK(vkCreateRenderPass(device, &rp, nullptr, &pass));
  return pass;
}

void begin_colour_pass(VkCommandBuffer cmd, VkRenderPass pass, VkFramebuffer framebuffer,
                       VkExtent2D extent, const float (&background)[3]) {
  PT_VK_CHECK(vkResetCommandBuffer(cmd, 0));
  VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  PT_VK_CHECK(vkBeginCommandBuffer(cmd, &bi));
  std::array<VkClearValue, 3> clear{};
  clear[0].color.float32[0] = background[0];
  clear[0].color.float32[1] = background[1];
  clear[0].color.float32[2] = background[2];
  clear[0].color.float32[3] = 1.0f;
  clear[1].depthStencil = {0.0f, 0};
  VkRenderPassBeginInfo rb{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  rb.renderPass = pass;
  rb.framebuffer = framebuffer;
  rb.renderArea = {{0, 0}, extent};
  rb.clearValueCount = static_cast<std::uint32_t>(clear.size());
  rb.pClearValues = clear.data();
  vkCmdBeginRenderPass(cmd, &rb, VK_SUBPASS_CONTENTS_INLINE);
}

}  // namespace parktwin::render

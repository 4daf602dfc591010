#include "render/vulkan/render_pass.h"

#include <array>
#include <cstdint>

#include "render/vulkan/vk_check.h"

namespace parktwin::render {

VkRenderPass make_colour_pass(VkDevice device, VkFormat format, VkSampleCountFlagBits samples,
                              VkImageLayout final_layout) {
  // Multisampled: draw into attachment 0, resolve into attachment 1 (the target); else draw
  // into the target itself.
  const bool ms = samples != VK_SAMPLE_COUNT_1_BIT;
  std::array<VkAttachmentDescription, 2> att{};
  att[0].format = format;
  att[0].samples = samples;
  att[0].loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
  att[0].storeOp = ms ? VK_ATTACHMENT_STORE_OP_DONT_CARE : VK_ATTACHMENT_STORE_OP_STORE;
  att[0].stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  att[0].stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  att[0].initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  att[0].finalLayout = ms ? VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL : final_layout;
  att[1] = att[0];
  att[1].samples = VK_SAMPLE_COUNT_1_BIT;
  att[1].loadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  att[1].storeOp = VK_ATTACHMENT_STORE_OP_STORE;
  att[1].finalLayout = final_layout;
  const VkAttachmentReference colour{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  const VkAttachmentReference resolve{1, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  VkSubpassDescription sub{};
  sub.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  sub.colorAttachmentCount = 1;
  sub.pColorAttachments = &colour;
  sub.pResolveAttachments = ms ? &resolve : nullptr;
  // In: the previous frame's read-back (or presentation) is done before drawing again. Out:
  // drawing is done before the image is copied out (or presented).
  std::array<VkSubpassDependency, 2> deps{};
  deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
  deps[0].dstSubpass = 0;
  deps[0].srcStageMask =
      VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
  deps[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[0].srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  deps[0].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  deps[1].srcSubpass = 0;
  deps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
  deps[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[1].dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT;
  deps[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  deps[1].dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  VkRenderPassCreateInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  rp.attachmentCount = ms ? 2 : 1;
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
  VkClearValue clear{};
  clear.color.float32[0] = background[0];
  clear.color.float32[1] = background[1];
  clear.color.float32[2] = background[2];
  clear.color.float32[3] = 1.0f;
  VkRenderPassBeginInfo rb{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  rb.renderPass = pass;
  rb.framebuffer = framebuffer;
  rb.renderArea = {{0, 0}, extent};
  rb.clearValueCount = 1;
  rb.pClearValues = &clear;
  vkCmdBeginRenderPass(cmd, &rb, VK_SUBPASS_CONTENTS_INLINE);
}

}  // namespace parktwin::render

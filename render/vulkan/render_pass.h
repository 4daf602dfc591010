#pragma once
// The render pass every frame draws in: one colour attachment, multisampled and resolved into
// the target image when samples > 1; the target ends in `final_layout` (TRANSFER_SRC_OPTIMAL
// to be read back, PRESENT_SRC_KHR for a window). Owned by the caller (vkDestroyRenderPass).

#include <vulkan/vulkan.h>

namespace parktwin::render {

VkRenderPass make_colour_pass(VkDevice device, VkFormat format, VkSampleCountFlagBits samples,
                              VkImageLayout final_layout);

// Resets and begins `cmd` for one submission, and begins `pass` on `framebuffer` cleared to
// `background` (red, green, blue in 0..1).
void begin_colour_pass(VkCommandBuffer cmd, VkRenderPass pass, VkFramebuffer framebuffer,
                       VkExtent2D extent, const float (&background)[3]);

}  // namespace parktwin::render

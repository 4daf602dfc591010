#pragma once
// The render pass every frame draws in. Attachments, in framebuffer order:
//   0  colour: the multisampled image, or the target itself with one sample;
//   1  depth (reversed: cleared to 0, nearer is greater), with the colour's sample count;
//   2  the target, resolved into, only when samples > 1.
// The target ends in `final_layout` (TRANSFER_SRC_OPTIMAL to be read back, PRESENT_SRC_KHR
// for a window). Owned by the caller (vkDestroyRenderPass).

#include <vulkan/vulkan.h>

namespace parktwin::render {

VkRenderPass make_colour_pass(VkDevice device, VkFormat format, VkFormat depth_format,
                              VkSampleCountFlagBits samples, VkImageLayout final_layout);

// D32_SFLOAT where the device can use it as a depth attachment, else D16_UNORM (which every
// Vulkan device supports).
VkFormat depth_format(VkPhysicalDevice device);

// Resets and begins `cmd` for one submission, and begins `pass` on `framebuffer` cleared to
// `background` (red, green, blue in 0..1), depth cleared to 0 (far).
void begin_colour_pass(VkCommandBuffer cmd, VkRenderPass pass, VkFramebuffer framebuffer,
                       VkExtent2D extent, const float (&background)[3]);

}  // namespace parktwin::render

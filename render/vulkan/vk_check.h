#pragma once
// Every VkResult is checked, with the call and its file and line in the error (STYLE.md 13c).

#include <vulkan/vulkan.h>

namespace parktwin::render {

// Throws parktwin::Error("Vulkan call failed") naming the call, the result and the place.
void vk_fail(VkResult result, const char* call, const char* file, int line);
const char* vk_result_name(VkResult result);

}  // namespace parktwin::render

#define PT_VK_CHECK(call)                                                    \
  do {                                                                       \
    const VkResult pt_vk_result_ = (call);                                   \
    if (pt_vk_result_ != VK_SUCCESS)                                         \
      ::parktwin::render::vk_fail(pt_vk_result_, #call, __FILE__, __LINE__); \
  } while (false)

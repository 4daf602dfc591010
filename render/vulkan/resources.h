#pragma once
// Move-only owners of Vulkan buffers, images and the memory bound to them (STYLE.md 13c).

#include <vulkan/vulkan.h>

#include <cstddef>

#include "render/vulkan/context.h"

namespace parktwin::render {

// A buffer with its own memory. Host-visible buffers stay mapped for their whole life.
class Buffer {
 public:
  Buffer() = default;
  Buffer(const VulkanContext& ctx, VkDeviceSize size, VkBufferUsageFlags usage,
         VkMemoryPropertyFlags memory);
  Buffer(Buffer&& o) noexcept { *this = static_cast<Buffer&&>(o); }
  Buffer& operator=(Buffer&& o) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer() { reset(); }

  VkBuffer get() const { return buffer_; }
  VkDeviceSize size() const { return size_; }
  void* mapped() const { return mapped_; }  // nullptr unless host-visible

 private:
  void reset();
  VkDevice device_ = VK_NULL_HANDLE;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkDeviceSize size_ = 0;
  void* mapped_ = nullptr;
};

// A 2-D image in device memory with one view of it.
class Image {
 public:
  Image() = default;
  Image(const VulkanContext& ctx, std::uint32_t width, std::uint32_t height, VkFormat format,
        VkImageUsageFlags usage, VkImageAspectFlags aspect,
        VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT);
  Image(Image&& o) noexcept { *this = static_cast<Image&&>(o); }
  Image& operator=(Image&& o) noexcept;
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;
  ~Image() { reset(); }

  VkImage get() const { return image_; }
  VkImageView view() const { return view_; }

 private:
  void reset();
  VkDevice device_ = VK_NULL_HANDLE;
  VkImage image_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkImageView view_ = VK_NULL_HANDLE;
};

}  // namespace parktwin::render

#include "render/vulkan/resources.h"

#include <utility>

#include "render/vulkan/vk_check.h"

namespace parktwin::render {

namespace {

// Memory for `req` of a type with `flags`.
VkDeviceMemory allocate(const VulkanContext& ctx, const VkMemoryRequirements& req,
                        VkMemoryPropertyFlags flags) {
  VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  ai.allocationSize = req.size;
  ai.memoryTypeIndex = ctx.memory_type(req.memoryTypeBits, flags);
  VkDeviceMemory memory = VK_NULL_HANDLE;
  PT_VK_CHECK(vkAllocateMemory(ctx.device(), &ai, nullptr, &memory));
  return memory;
}

}  // namespace

Buffer::Buffer(const VulkanContext& ctx, VkDeviceSize size, VkBufferUsageFlags usage,
               VkMemoryPropertyFlags memory)
    : device_(ctx.device()), size_(size) {
  VkBufferCreateInfo bi{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  bi.size = size;
  bi.usage = usage;
  bi.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  PT_VK_CHECK(vkCreateBuffer(device_, &bi, nullptr, &buffer_));
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device_, buffer_, &req);
  memory_ = allocate(ctx, req, memory);
  PT_VK_CHECK(vkBindBufferMemory(device_, buffer_, memory_, 0));
  if ((memory & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) != 0) {
    PT_VK_CHECK(vkMapMemory(device_, memory_, 0, VK_WHOLE_SIZE, 0, &mapped_));
  }
}

Buffer& Buffer::operator=(Buffer&& o) noexcept {
  if (this != &o) {
    reset();
    device_ = std::exchange(o.device_, VK_NULL_HANDLE);
    buffer_ = std::exchange(o.buffer_, VK_NULL_HANDLE);
    memory_ = std::exchange(o.memory_, VK_NULL_HANDLE);
    size_ = std::exchange(o.size_, 0);
    mapped_ = std::exchange(o.mapped_, nullptr);
  }
  return *this;
}

void Buffer::reset() {
  if (device_ == VK_NULL_HANDLE) return;
  if (mapped_ != nullptr) vkUnmapMemory(device_, memory_);
  vkDestroyBuffer(device_, buffer_, nullptr);
  vkFreeMemory(device_, memory_, nullptr);
  device_ = VK_NULL_HANDLE;
  mapped_ = nullptr;
}

Image::Image(const VulkanContext& ctx, std::uint32_t width, std::uint32_t height, VkFormat format,
             VkImageUsageFlags usage, VkImageAspectFlags aspect, VkSampleCountFlagBits samples)
    : device_(ctx.device()) {
  VkImageCreateInfo ii{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  ii.imageType = VK_IMAGE_TYPE_2D;
  ii.format = format;
  ii.extent = {width, height, 1};
  ii.mipLevels = 1;
  ii.arrayLayers = 1;
  ii.samples = samples;
  ii.tiling = VK_IMAGE_TILING_OPTIMAL;
  ii.usage = usage;
  ii.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  PT_VK_CHECK(vkCreateImage(device_, &ii, nullptr, &image_));
  VkMemoryRequirements req;
  vkGetImageMemoryRequirements(device_, image_, &req);
  memory_ = allocate(ctx, req, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
  PT_VK_CHECK(vkBindImageMemory(device_, image_, memory_, 0));
  VkImageViewCreateInfo vi{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
  vi.image = image_;
  vi.viewType = VK_IMAGE_VIEW_TYPE_2D;
  vi.format = format;
  vi.subresourceRange = {aspect, 0, 1, 0, 1};
  PT_VK_CHECK(vkCreateImageView(device_, &vi, nullptr, &view_));
}

Image& Image::operator=(Image&& o) noexcept {
  if (this != &o) {
    reset();
    device_ = std::exchange(o.device_, VK_NULL_HANDLE);
    image_ = std::exchange(o.image_, VK_NULL_HANDLE);
    memory_ = std::exchange(o.memory_, VK_NULL_HANDLE);
    view_ = std::exchange(o.view_, VK_NULL_HANDLE);
  }
  return *this;
}

void Image::reset() {
  if (device_ == VK_NULL_HANDLE) return;
  vkDestroyImageView(device_, view_, nullptr);
  vkDestroyImage(device_, image_, nullptr);
  vkFreeMemory(device_, memory_, nullptr);
  device_ = VK_NULL_HANDLE;
}

}  // namespace parktwin::render

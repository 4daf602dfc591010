#pragma once
// The Vulkan instance, device and queue one renderer works with. Picks a real GPU when there
// is one (discrete first, then integrated) and lavapipe, Mesa's CPU device, otherwise.
// With validation on, the Khronos validation layer reports into a counter that tests read:
// a correct frame produces no message.
//
// Move-only; destroys what it created in reverse order.

#include <vulkan/vulkan.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace parktwin::render {

struct ContextOptions {
  // Enable VK_LAYER_KHRONOS_validation when it is installed (debug builds and tests).
  bool validation = false;
  // Prefer a CPU device even when a GPU is present (golden images are made on lavapipe).
  bool prefer_cpu = false;
  // For a window: the instance extensions its surface needs, VK_KHR_swapchain on the device,
  // and a queue family that can present (asked of each family with graphics).
  std::vector<const char*> instance_extensions;
  bool swapchain = false;
  std::function<bool(VkInstance, VkPhysicalDevice, std::uint32_t family)> can_present;
};

class VulkanContext {
 public:
  // Throws parktwin::Error naming what is missing (no Vulkan loader, no device with a
  // graphics queue).
  explicit VulkanContext(const ContextOptions& options = {});
  ~VulkanContext();
  VulkanContext(const VulkanContext&) = delete;
  VulkanContext& operator=(const VulkanContext&) = delete;

  VkInstance instance() const { return instance_; }
  VkPhysicalDevice physical_device() const { return physical_; }
  VkDevice device() const { return device_; }
  VkQueue queue() const { return queue_; }
  std::uint32_t queue_family() const { return queue_family_; }
  VkCommandPool command_pool() const { return command_pool_; }

  const std::string& device_name() const { return device_name_; }
  bool is_cpu_device() const { return cpu_device_; }
  bool validation_enabled() const { return messenger_ != VK_NULL_HANDLE; }
  // Validation warnings and errors reported so far, and the first of them.
  std::uint32_t validation_messages() const { return messages_->count.load(); }
  std::string first_validation_message() const;

  // A memory type allowed by `type_bits` with all of `flags`; throws when there is none.
  std::uint32_t memory_type(std::uint32_t type_bits, VkMemoryPropertyFlags flags) const;

  // Records commands with `record`, submits them and waits until the queue is idle.
  template <class F>
  void run_once(F&& record) const {
    VkCommandBuffer cmd = begin_once();
    record(cmd);
    end_once(cmd);
  }

 private:
  struct Messages {
    std::atomic<std::uint32_t> count{0};
    std::string first;
  };
  VkCommandBuffer begin_once() const;
  void end_once(VkCommandBuffer cmd) const;

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  std::uint32_t queue_family_ = 0;
  VkCommandPool command_pool_ = VK_NULL_HANDLE;
  std::string device_name_;
  bool cpu_device_ = false;
  std::unique_ptr<Messages> messages_ = std::make_unique<Messages>();
};

}  // namespace parktwin::render

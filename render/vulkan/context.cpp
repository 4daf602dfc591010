#include "render/vulkan/context.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "engine/error.h"
#include "render/vulkan/vk_check.h"

namespace parktwin::render {

const char* vk_result_name(VkResult r) {
  switch (r) {
    case VK_SUCCESS:
      return "VK_SUCCESS";
    case VK_NOT_READY:
      return "VK_NOT_READY";
    case VK_TIMEOUT:
      return "VK_TIMEOUT";
    case VK_ERROR_OUT_OF_HOST_MEMORY:
      return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
      return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED:
      return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST:
      return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_MEMORY_MAP_FAILED:
      return "VK_ERROR_MEMORY_MAP_FAILED";
    case VK_ERROR_LAYER_NOT_PRESENT:
      return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT:
      return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT:
      return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER:
      return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_FORMAT_NOT_SUPPORTED:
      return "VK_ERROR_FORMAT_NOT_SUPPORTED";
    default:
      return "VkResult";
  }
}

void vk_fail(VkResult result, const char* call, const char* file, int line) {
  throw Error(fmt::format("Vulkan call failed: {} returned {} ({})", call, vk_result_name(result),
                          static_cast<int>(result)))
      .in_file(file)
      .at_line(line);
}

namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

bool has_layer(const char* name) {
  std::uint32_t n = 0;
  vkEnumerateInstanceLayerProperties(&n, nullptr);
  std::vector<VkLayerProperties> layers(n);
  vkEnumerateInstanceLayerProperties(&n, layers.data());
  return std::any_of(layers.begin(), layers.end(), [&](const VkLayerProperties& l) {
    return std::strcmp(l.layerName, name) == 0;
  });
}

// Device preference: a real GPU first; a CPU device (lavapipe) when asked or when alone.
int rank_of(VkPhysicalDeviceType type, bool prefer_cpu) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return prefer_cpu ? 1 : 4;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return prefer_cpu ? 1 : 3;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return prefer_cpu ? 1 : 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return prefer_cpu ? 4 : 1;
    default:
      return 0;
  }
}

}  // namespace

VulkanContext::VulkanContext(const ContextOptions& options) {
#if defined(__SANITIZE_ADDRESS__)
  // Sanitizer builds only: Mesa's lavapipe keeps a few bytes from its start-up until the
  // process ends; once the loader unloads it (vkDestroyInstance), LeakSanitizer reports them
  // as leaked from an unknown module. Keeping the driver mapped keeps them reachable, and
  // leaks of our own still show.
  [[maybe_unused]] static const bool lavapipe_stays_loaded =
      dlopen("libvulkan_lvp.so", RTLD_NOW | RTLD_NODELETE) != nullptr;
#endif
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "parktwin";
  app.pEngineName = "parktwin";
  app.apiVersion = VK_API_VERSION_1_1;
  std::vector<const char*> layers, extensions = options.instance_extensions;
  const bool validation = options.validation && has_layer(kValidationLayer);
  if (validation) {
    layers.push_back(kValidationLayer);
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  }
  VkInstanceCreateInfo ici{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  ici.pApplicationInfo = &app;
  ici.enabledLayerCount = static_cast<std::uint32_t>(layers.size());
  ici.ppEnabledLayerNames = layers.data();
  ici.enabledExtensionCount = static_cast<std::uint32_t>(extensions.size());
  ici.ppEnabledExtensionNames = extensions.data();
  const VkResult created = vkCreateInstance(&ici, nullptr, &instance_);
  if (created != VK_SUCCESS) {
    throw Error(fmt::format("cannot start Vulkan ({})", vk_result_name(created)))
        .expected("a Vulkan driver: a GPU's, or Mesa's lavapipe (mesa-vulkan-drivers)");
  }
  if (validation) {
    VkDebugUtilsMessengerCreateInfoEXT mci{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    mci.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                          VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    mci.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                      VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                      VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    mci.pfnUserCallback =
        [](VkDebugUtilsMessageSeverityFlagBitsEXT, VkDebugUtilsMessageTypeFlagsEXT,
           const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) -> VkBool32 {
      auto* m = static_cast<Messages*>(user);
      if (m->count.fetch_add(1) == 0 && data != nullptr && data->pMessage != nullptr) {
        m->first = data->pMessage;
      }
      return VK_FALSE;
    };
    mci.pUserData = messages_.get();
    const auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
    if (create != nullptr) PT_VK_CHECK(create(instance_, &mci, nullptr, &messenger_));
  }

  std::uint32_t n = 0;
  PT_VK_CHECK(vkEnumeratePhysicalDevices(instance_, &n, nullptr));
  std::vector<VkPhysicalDevice> devices(n);
  PT_VK_CHECK(vkEnumeratePhysicalDevices(instance_, &n, devices.data()));
  int best_rank = 0;
  for (VkPhysicalDevice d : devices) {
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(d, &p);
    std::uint32_t families = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(d, &families, nullptr);
    std::vector<VkQueueFamilyProperties> fp(families);
    vkGetPhysicalDeviceQueueFamilyProperties(d, &families, fp.data());
    for (std::uint32_t f = 0; f < families; ++f) {
      if ((fp[f].queueFlags & VK_QUEUE_GRAPHICS_BIT) == 0) continue;
      if (options.can_present && !options.can_present(instance_, d, f)) continue;
      const int rank = rank_of(p.deviceType, options.prefer_cpu);
      if (rank > best_rank) {
        best_rank = rank;
        physical_ = d;
        queue_family_ = f;
        device_name_ = p.deviceName;
        cpu_device_ = p.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
      }
      break;
    }
  }
  if (physical_ == VK_NULL_HANDLE) {
    throw Error(options.can_present ? "no Vulkan device can draw into this window"
                                    : "no Vulkan device with a graphics queue")
        .expected("a GPU driver, or Mesa's lavapipe (package mesa-vulkan-drivers)")
        .found(fmt::format("{} devices", n));
  }
  const float priority = 1.0f;
  VkDeviceQueueCreateInfo qci{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  qci.queueFamilyIndex = queue_family_;
  qci.queueCount = 1;
  qci.pQueuePriorities = &priority;
  VkDeviceCreateInfo dci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  dci.queueCreateInfoCount = 1;
  dci.pQueueCreateInfos = &qci;
  const char* swapchain_extension = VK_KHR_SWAPCHAIN_EXTENSION_NAME;
  if (options.swapchain) {
    dci.enabledExtensionCount = 1;
    dci.ppEnabledExtensionNames = &swapchain_extension;
  }
  PT_VK_CHECK(vkCreateDevice(physical_, &dci, nullptr, &device_));
  vkGetDeviceQueue(device_, queue_family_, 0, &queue_);
  VkCommandPoolCreateInfo pci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pci.queueFamilyIndex = queue_family_;
  PT_VK_CHECK(vkCreateCommandPool(device_, &pci, nullptr, &command_pool_));
}

VulkanContext::~VulkanContext() {
  if (device_ != VK_NULL_HANDLE) {
    vkDeviceWaitIdle(device_);
    vkDestroyCommandPool(device_, command_pool_, nullptr);
    vkDestroyDevice(device_, nullptr);
  }
  if (messenger_ != VK_NULL_HANDLE) {
    const auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy != nullptr) destroy(instance_, messenger_, nullptr);
  }
  if (instance_ != VK_NULL_HANDLE) vkDestroyInstance(instance_, nullptr);
}

std::string VulkanContext::first_validation_message() const { return messages_->first; }

std::uint32_t VulkanContext::memory_type(std::uint32_t type_bits,
                                         VkMemoryPropertyFlags flags) const {
  VkPhysicalDeviceMemoryProperties mp;
  vkGetPhysicalDeviceMemoryProperties(physical_, &mp);
  for (std::uint32_t i = 0; i < mp.memoryTypeCount; ++i) {
    if ((type_bits & (1u << i)) != 0 && (mp.memoryTypes[i].propertyFlags & flags) == flags) {
      return i;
    }
  }
  throw Error("no suitable Vulkan memory type").found(device_name_);
}

VkCommandBuffer VulkanContext::begin_once() const {
  VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  ai.commandPool = command_pool_;
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  PT_VK_CHECK(vkAllocateCommandBuffers(device_, &ai, &cmd));
  VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  PT_VK_CHECK(vkBeginCommandBuffer(cmd, &bi));
  return cmd;
}

void VulkanContext::end_once(VkCommandBuffer cmd) const {
  PT_VK_CHECK(vkEndCommandBuffer(cmd));
  VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cmd;
  PT_VK_CHECK(vkQueueSubmit(queue_, 1, &si, VK_NULL_HANDLE));
  PT_VK_CHECK(vkQueueWaitIdle(queue_));
  vkFreeCommandBuffers(device_, command_pool_, 1, &cmd);
}

}  // namespace parktwin::render

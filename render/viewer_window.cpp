#include "render/viewer_window.h"

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_vulkan.h>
#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "engine/assert.h"
#include "engine/error.h"
#include "render/scene_passes.h"
#include "render/vulkan/context.h"
#include "render/vulkan/render_pass.h"
#include "render/vulkan/resources.h"
#include "render/vulkan/vk_check.h"

namespace parktwin::render {

namespace {

constexpr std::uint32_t kFramesInFlight = 2;

void check_imgui(VkResult r) {
  if (r != VK_SUCCESS) vk_fail(r, "Dear ImGui's Vulkan backend", __FILE__, __LINE__);
}

ContextOptions context_options(const WindowOptions& o) {
  ContextOptions c;
  c.validation = o.validation;
  c.prefer_cpu = o.prefer_cpu;
  std::uint32_t n = 0;
  const char** ext = glfwGetRequiredInstanceExtensions(&n);
  if (ext == nullptr) {
    throw Error("GLFW finds no Vulkan surface support")
        .expected("a Vulkan loader with window-system extensions (libvulkan1)");
  }
  c.instance_extensions.assign(ext, ext + n);
  c.swapchain = true;
  c.can_present = [](VkInstance instance, VkPhysicalDevice device, std::uint32_t family) {
    return glfwGetPhysicalDevicePresentationSupport(instance, device, family) == GLFW_TRUE;
  };
  return c;
}

// GLFW is process-wide: initialised by the first window, ended with the last.
struct GlfwSession {
  GlfwSession() {
    glfwSetErrorCallback([](int, const char*) {});
    if (glfwInit() != GLFW_TRUE) {
      const char* display = std::getenv("DISPLAY");
      throw Error("cannot open a window: no display")
          .field("DISPLAY")
          .expected(
              "an X display (run under Xvfb for a virtual one), or `parktwin render` "
              "for a picture without one")
          .found(display != nullptr ? display : "unset");
    }
  }
  ~GlfwSession() { glfwTerminate(); }
};

}  // namespace

struct ViewerWindow::Impl {
  GlfwSession glfw;
  GLFWwindow* window = nullptr;
  std::unique_ptr<VulkanContext> ctx;
  VkSurfaceKHR surface = VK_NULL_HANDLE;
  VkSwapchainKHR swapchain = VK_NULL_HANDLE;
  VkFormat format = VK_FORMAT_B8G8R8A8_UNORM;
  VkExtent2D extent{0, 0};
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  std::vector<VkImage> images;
  std::vector<VkImageView> views;
  std::vector<VkFramebuffer> framebuffers;
  Image msaa, depth;  // msaa is unused with one sample
  VkFormat depth_fmt = VK_FORMAT_D16_UNORM;
  VkRenderPass pass = VK_NULL_HANDLE;
  std::unique_ptr<ScenePasses> passes;
  VkDescriptorPool imgui_pool = VK_NULL_HANDLE;
  std::array<VkCommandBuffer, kFramesInFlight> cmd{};
  std::array<VkSemaphore, kFramesInFlight> acquired{}, rendered{};
  std::array<VkFence, kFramesInFlight> in_flight{};
  std::uint32_t frame = 0;
  bool imgui_ready = false;
  bool resized = false;
  double last_x = 0.0, last_y = 0.0;
  bool left_was_down = false;
  // The keys WindowInput reports, and whether each was down at the last frame.
  static constexpr std::array<int, 6> kKeys{GLFW_KEY_F, GLFW_KEY_SPACE, GLFW_KEY_C,
                                            GLFW_KEY_V, GLFW_KEY_S,     GLFW_KEY_ESCAPE};
  std::array<bool, kKeys.size()> key_was_down{};
  double press_x = 0.0, press_y = 0.0;

  explicit Impl(const WindowOptions& o) {
    glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
    window = glfwCreateWindow(o.width, o.height, o.title.c_str(), nullptr, nullptr);
    if (window == nullptr) throw Error("cannot create a window").found(o.title);
    glfwSetWindowUserPointer(window, this);
    // Sticky: a key or button pressed and let go between two polls still reads as pressed
    // once, so a quick tap (or a scripted one, xdotool) is never lost at a low frame rate.
    glfwSetInputMode(window, GLFW_STICKY_KEYS, GLFW_TRUE);
    glfwSetInputMode(window, GLFW_STICKY_MOUSE_BUTTONS, GLFW_TRUE);
    glfwSetFramebufferSizeCallback(window, [](GLFWwindow* w, int, int) {
      static_cast<Impl*>(glfwGetWindowUserPointer(w))->resized = true;
    });
    ctx = std::make_unique<VulkanContext>(context_options(o));
    PT_VK_CHECK(glfwCreateWindowSurface(ctx->instance(), window, nullptr, &surface));
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(ctx->physical_device(), &props);
    if ((props.limits.framebufferColorSampleCounts & VK_SAMPLE_COUNT_4_BIT) != 0) {
      samples = VK_SAMPLE_COUNT_4_BIT;
    }
    choose_format();
    make_pass();
    passes = std::make_unique<ScenePasses>(*ctx, pass, samples, kFramesInFlight);
    make_swapchain();
    make_sync();
    init_imgui();
  }

  ~Impl() {
    if (ctx) vkDeviceWaitIdle(ctx->device());
    if (imgui_ready) {
      ImGui_ImplVulkan_Shutdown();
      ImGui_ImplGlfw_Shutdown();
      ImGui::DestroyContext();
    }
    if (ctx) {
      const VkDevice d = ctx->device();
      for (std::uint32_t i = 0; i < kFramesInFlight; ++i) {
        vkDestroySemaphore(d, acquired[i], nullptr);
        vkDestroySemaphore(d, rendered[i], nullptr);
        vkDestroyFence(d, in_flight[i], nullptr);
      }
      vkDestroyDescriptorPool(d, imgui_pool, nullptr);
      destroy_swapchain();
      passes.reset();
      vkDestroyRenderPass(d, pass, nullptr);
      vkDestroySurfaceKHR(ctx->instance(), surface, nullptr);
    }
    ctx.reset();
    if (window != nullptr) glfwDestroyWindow(window);
  }

  void choose_format() {
    std::uint32_t n = 0;
    PT_VK_CHECK(vkGetPhysicalDeviceSurfaceFormatsKHR(ctx->physical_device(), surface, &n, nullptr));
    std::vector<VkSurfaceFormatKHR> formats(n);
    PT_VK_CHECK(
        vkGetPhysicalDeviceSurfaceFormatsKHR(ctx->physical_device(), surface, &n, formats.data()));
    if (formats.empty()) throw Error("the window offers no surface format");
    format = formats[0].format;
    for (const VkSurfaceFormatKHR& f : formats) {
      // UNORM: the scene's colours are the palette's own numbers, as in the PNG frames.
      if (f.format == VK_FORMAT_B8G8R8A8_UNORM || f.format == VK_FORMAT_R8G8B8A8_UNORM) {
        format = f.format;
        break;
      }
    }
  }

  void make_pass() {
    depth_fmt = depth_format(ctx->physical_device());
    pass = make_colour_pass(ctx->device(), format, depth_fmt, samples,
                            VK_IMAGE_LAYOUT_PRESENT_SRC_KHR);
  }

  void make_swapchain() {
    const VkDevice d = ctx->device();
    VkSurfaceCapabilitiesKHR caps;
    PT_VK_CHECK(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(ctx->physical_device(), surface, &caps));
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window, &fw, &fh);
    extent = caps.currentExtent;
    if (extent.width == UINT32_MAX) {
      extent.width = std::clamp(static_cast<std::uint32_t>(fw), caps.minImageExtent.width,
                                caps.maxImageExtent.width);
      extent.height = std::clamp(static_cast<std::uint32_t>(fh), caps.minImageExtent.height,
                                 caps.maxImageExtent.height);
    }
    std::uint32_t count = std::max<std::uint32_t>(caps.minImageCount + 1, 2);
    if (caps.maxImageCount > 0) count = std::min(count, caps.maxImageCount);
    VkSwapchainCreateInfoKHR sci{VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR};
    sci.surface = surface;
    sci.minImageCount = count;
    sci.imageFormat = format;
    sci.imageColorSpace = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR;
    sci.imageExtent = extent;
    sci.imageArrayLayers = 1;
    sci.imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT;
    sci.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
    sci.preTransform = caps.currentTransform;
    sci.compositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR;
    sci.presentMode = VK_PRESENT_MODE_FIFO_KHR;  // every driver has it; paces to the display
    sci.clipped = VK_TRUE;
    PT_VK_CHECK(vkCreateSwapchainKHR(d, &sci, nullptr, &swapchain));
    std::uint32_t n = 0;
    PT_VK_CHECK(vkGetSwapchainImagesKHR(d, swapchain, &n, nullptr));
    images.resize(n);
    PT_VK_CHECK(vkGetSwapchainImagesKHR(d, swapchain, &n, images.data()));
    const bool ms = samples != VK_SAMPLE_COUNT_1_BIT;
    if (ms) {
      msaa = Image(*ctx, extent.width, extent.height, format, VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT,
                   VK_IMAGE_ASPECT_COLOR_BIT, samples);
    }
    depth = Image(*ctx, extent.width, extent.height, depth_fmt,
                  VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT, VK_IMAGE_ASPECT_DEPTH_BIT, samples);
    for (VkImage image : images) {
      VkImageViewCreateInfo vi{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
      vi.image = image;
      vi.viewType = VK_IMAGE_VIEW_TYPE_2D;
      vi.format = format;
      vi.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
      VkImageView view = VK_NULL_HANDLE;
      PT_VK_CHECK(vkCreateImageView(d, &vi, nullptr, &view));
      views.push_back(view);
      const std::array<VkImageView, 3> attachments{ms ? msaa.view() : view, depth.view(), view};
      VkFramebufferCreateInfo fb{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
      fb.renderPass = pass;
      fb.attachmentCount = ms ? 3 : 2;
      fb.pAttachments = attachments.data();
      fb.width = extent.width;
      fb.height = extent.height;
      fb.layers = 1;
      VkFramebuffer framebuffer = VK_NULL_HANDLE;
      PT_VK_CHECK(vkCreateFramebuffer(d, &fb, nullptr, &framebuffer));
      framebuffers.push_back(framebuffer);
    }
  }

  void destroy_swapchain() {
    const VkDevice d = ctx->device();
    for (VkFramebuffer f : framebuffers) vkDestroyFramebuffer(d, f, nullptr);
    for (VkImageView v : views) vkDestroyImageView(d, v, nullptr);
    framebuffers.clear();
    views.clear();
    images.clear();
    msaa = Image();
    depth = Image();
    if (swapchain != VK_NULL_HANDLE) vkDestroySwapchainKHR(d, swapchain, nullptr);
    swapchain = VK_NULL_HANDLE;
  }

  void recreate_swapchain() {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window, &w, &h);
    while ((w == 0 || h == 0) && glfwWindowShouldClose(window) == GLFW_FALSE) {
      glfwWaitEvents();  // minimised: nothing to draw into
      glfwGetFramebufferSize(window, &w, &h);
    }
    vkDeviceWaitIdle(ctx->device());
    destroy_swapchain();
    make_swapchain();
    resized = false;
  }

  void make_sync() {
    const VkDevice d = ctx->device();
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = ctx->command_pool();
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = kFramesInFlight;
    PT_VK_CHECK(vkAllocateCommandBuffers(d, &ai, cmd.data()));
    VkSemaphoreCreateInfo si{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    fi.flags = VK_FENCE_CREATE_SIGNALED_BIT;
    for (std::uint32_t i = 0; i < kFramesInFlight; ++i) {
      PT_VK_CHECK(vkCreateSemaphore(d, &si, nullptr, &acquired[i]));
      PT_VK_CHECK(vkCreateSemaphore(d, &si, nullptr, &rendered[i]));
      PT_VK_CHECK(vkCreateFence(d, &fi, nullptr, &in_flight[i]));
    }
  }

  void init_imgui() {
    const VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 16};
    VkDescriptorPoolCreateInfo pi{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pi.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
    pi.maxSets = 16;
    pi.poolSizeCount = 1;
    pi.pPoolSizes = &size;
    PT_VK_CHECK(vkCreateDescriptorPool(ctx->device(), &pi, nullptr, &imgui_pool));
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // no imgui.ini left in the user's folder
    ImGui::StyleColorsDark();
    ImGui_ImplGlfw_InitForVulkan(window, true);
    ImGui_ImplVulkan_InitInfo info{};
    info.Instance = ctx->instance();
    info.PhysicalDevice = ctx->physical_device();
    info.Device = ctx->device();
    info.QueueFamily = ctx->queue_family();
    info.Queue = ctx->queue();
    info.DescriptorPool = imgui_pool;
    info.MinImageCount = 2;
    info.ImageCount = static_cast<std::uint32_t>(images.size());
    info.MSAASamples = samples;
    info.CheckVkResultFn = check_imgui;
    ImGui_ImplVulkan_Init(&info, pass);
    imgui_ready = true;
    ctx->run_once([](VkCommandBuffer c) { ImGui_ImplVulkan_CreateFontsTexture(c); });
    ImGui_ImplVulkan_DestroyFontUploadObjects();
  }

  WindowInput begin_frame() {
    glfwPollEvents();
    WindowInput in;
    double x = 0.0, y = 0.0;
    glfwGetCursorPos(window, &x, &y);
    const ImGuiIO& io = ImGui::GetIO();
    in.cursor_x_px = x;
    in.cursor_y_px = y;
    const bool left = glfwGetMouseButton(window, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS;
    const bool right = glfwGetMouseButton(window, GLFW_MOUSE_BUTTON_RIGHT) == GLFW_PRESS;
    const bool shift = glfwGetKey(window, GLFW_KEY_LEFT_SHIFT) == GLFW_PRESS ||
                       glfwGetKey(window, GLFW_KEY_RIGHT_SHIFT) == GLFW_PRESS;
    if (!io.WantCaptureMouse) {
      in.scroll = io.MouseWheel;
      if (left || right) {
        const bool turn = right || shift;
        (turn ? in.orbit_x_px : in.drag_x_px) = x - last_x;
        (turn ? in.orbit_y_px : in.drag_y_px) = y - last_y;
      }
      // A click: the left button let go near where it went down (a drag is not a click).
      if (left && !left_was_down) {
        press_x = x;
        press_y = y;
      }
      in.clicked = !left && left_was_down && std::hypot(x - press_x, y - press_y) < 4.0;
    }
    left_was_down = left;
    // Key presses, not holds: down now and up at the last frame.
    std::array<bool, kKeys.size()> pressed{};
    for (std::size_t k = 0; k < kKeys.size(); ++k) {
      const bool down = glfwGetKey(window, kKeys[k]) == GLFW_PRESS;
      pressed[k] = down && !key_was_down[k] && !io.WantCaptureKeyboard;
      key_was_down[k] = down;
    }
    in.fit_pressed = pressed[0];
    in.space_pressed = pressed[1];
    in.close_pressed = pressed[2];
    in.variant_pressed = pressed[3];
    in.save_pressed = pressed[4];
    in.escape_pressed = pressed[5];
    last_x = x;
    last_y = y;
    ImGui_ImplVulkan_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    return in;
  }

  void draw(std::span<const ScenePane> panes) {
    PT_ASSERT(!panes.empty() && panes.size() <= ScenePasses::kMaxPanes, "1 or 2 panes");
    ImGui::Render();
    const VkDevice d = ctx->device();
    PT_VK_CHECK(vkWaitForFences(d, 1, &in_flight[frame], VK_TRUE, UINT64_MAX));
    if (resized) recreate_swapchain();
    std::uint32_t index = 0;
    VkResult r =
        vkAcquireNextImageKHR(d, swapchain, UINT64_MAX, acquired[frame], VK_NULL_HANDLE, &index);
    if (r == VK_ERROR_OUT_OF_DATE_KHR) {
      recreate_swapchain();
      return;  // this frame is dropped; the next one draws at the new size
    }
    if (r != VK_SUBOPTIMAL_KHR) PT_VK_CHECK(r);
    PT_VK_CHECK(vkResetFences(d, 1, &in_flight[frame]));
    VkCommandBuffer c = cmd[frame];
    const Rgba8 bg = panes.front().scene->background;
    const float background[3] = {bg.red(), bg.green(), bg.blue()};
    begin_colour_pass(c, pass, framebuffers[index], extent, background);
    for (std::uint32_t i = 0; i < panes.size(); ++i) {
      const ScenePane& p = panes[i];
      // Clamped to the window, which may have shrunk since the caller laid the panes out.
      const auto x =
          std::min<std::uint32_t>(static_cast<std::uint32_t>(std::max(0, p.x)), extent.width - 1);
      const auto w = std::clamp<std::uint32_t>(static_cast<std::uint32_t>(std::max(1, p.width)), 1,
                                               extent.width - x);
      passes->record(c, frame, i, *p.scene, p.camera,
                     VkRect2D{{static_cast<std::int32_t>(x), 0}, {w, extent.height}});
    }
    ImGui_ImplVulkan_RenderDrawData(ImGui::GetDrawData(), c);
    vkCmdEndRenderPass(c);
    PT_VK_CHECK(vkEndCommandBuffer(c));
    const VkPipelineStageFlags wait = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.waitSemaphoreCount = 1;
    si.pWaitSemaphores = &acquired[frame];
    si.pWaitDstStageMask = &wait;
    si.commandBufferCount = 1;
    si.pCommandBuffers = &c;
    si.signalSemaphoreCount = 1;
    si.pSignalSemaphores = &rendered[frame];
    PT_VK_CHECK(vkQueueSubmit(ctx->queue(), 1, &si, in_flight[frame]));
    VkPresentInfoKHR pi{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
    pi.waitSemaphoreCount = 1;
    pi.pWaitSemaphores = &rendered[frame];
    pi.swapchainCount = 1;
    pi.pSwapchains = &swapchain;
    pi.pImageIndices = &index;
    r = vkQueuePresentKHR(ctx->queue(), &pi);
    if (r == VK_ERROR_OUT_OF_DATE_KHR || r == VK_SUBOPTIMAL_KHR) {
      resized = true;
    } else {
      PT_VK_CHECK(r);
    }
    frame = (frame + 1) % kFramesInFlight;
  }
};

ViewerWindow::ViewerWindow(const WindowOptions& options) : impl_(std::make_unique<Impl>(options)) {}
ViewerWindow::~ViewerWindow() = default;

bool ViewerWindow::is_open() const { return glfwWindowShouldClose(impl_->window) == GLFW_FALSE; }
void ViewerWindow::close() { glfwSetWindowShouldClose(impl_->window, GLFW_TRUE); }
WindowInput ViewerWindow::begin_frame() { return impl_->begin_frame(); }
void ViewerWindow::draw(const SceneView& scene, const Camera& camera) {
  const ScenePane pane{&scene, camera, 0, width()};
  impl_->draw(std::span(&pane, 1));
}
void ViewerWindow::draw(std::span<const ScenePane> panes) { impl_->draw(panes); }
int ViewerWindow::width() const { return static_cast<int>(impl_->extent.width); }
int ViewerWindow::height() const { return static_cast<int>(impl_->extent.height); }
const std::string& ViewerWindow::device_name() const { return impl_->ctx->device_name(); }
std::uint32_t ViewerWindow::validation_messages() const {
  return impl_->ctx->validation_messages();
}
std::string ViewerWindow::first_validation_message() const {
  return impl_->ctx->first_validation_message();
}

}  // namespace parktwin::render

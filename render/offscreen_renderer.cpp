#include "render/offscreen_renderer.h"

#include <fmt/format.h>

#include <array>
#include <cstring>

#include "engine/error.h"
#include "render/shaders.h"
#include "render/vulkan/context.h"
#include "render/vulkan/resources.h"
#include "render/vulkan/vk_check.h"

namespace parktwin::render {

namespace {

constexpr VkFormat kColourFormat = VK_FORMAT_R8G8B8A8_UNORM;
constexpr VkMemoryPropertyFlags kHostMemory =
    VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;

VkShaderModule shader_module(VkDevice device, std::span<const std::uint32_t> code) {
  VkShaderModuleCreateInfo ci{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  ci.codeSize = code.size_bytes();
  ci.pCode = code.data();
  VkShaderModule m = VK_NULL_HANDLE;
  PT_VK_CHECK(vkCreateShaderModule(device, &ci, nullptr, &m));
  return m;
}

}  // namespace

struct OffscreenRenderer::Impl {
  const VulkanContext& ctx;
  VkDevice device;
  std::uint32_t width, height;
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  Image msaa, target;  // msaa is unused with one sample
  VkRenderPass pass = VK_NULL_HANDLE;
  VkFramebuffer framebuffer = VK_NULL_HANDLE;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkPipeline flat_pipeline = VK_NULL_HANDLE, vehicle_pipeline = VK_NULL_HANDLE;
  Buffer flat, instances, readback;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;
  RgbaImage image;

  Impl(const VulkanContext& c, int w, int h, int max_samples)
      : ctx(c),
        device(c.device()),
        width(static_cast<std::uint32_t>(w)),
        height(static_cast<std::uint32_t>(h)) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(ctx.physical_device(), &props);
    if (max_samples >= 4 &&
        (props.limits.framebufferColorSampleCounts & VK_SAMPLE_COUNT_4_BIT) != 0) {
      samples = VK_SAMPLE_COUNT_4_BIT;
    }
    const bool ms = samples != VK_SAMPLE_COUNT_1_BIT;
    target = Image(ctx, width, height, kColourFormat,
                   VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                   VK_IMAGE_ASPECT_COLOR_BIT);
    if (ms) {
      msaa = Image(ctx, width, height, kColourFormat, VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT,
                   VK_IMAGE_ASPECT_COLOR_BIT, samples);
    }
    make_pass(ms);
    make_pipelines();
    readback = Buffer(ctx, VkDeviceSize{width} * height * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                      kHostMemory);
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = ctx.command_pool();
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    PT_VK_CHECK(vkAllocateCommandBuffers(device, &ai, &cmd));
    VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    PT_VK_CHECK(vkCreateFence(device, &fi, nullptr, &fence));
    image.width = w;
    image.height = h;
    image.pixels.resize(std::size_t{width} * height * 4);
  }

  ~Impl() {
    vkDeviceWaitIdle(device);
    vkDestroyFence(device, fence, nullptr);
    vkFreeCommandBuffers(device, ctx.command_pool(), 1, &cmd);
    vkDestroyPipeline(device, vehicle_pipeline, nullptr);
    vkDestroyPipeline(device, flat_pipeline, nullptr);
    vkDestroyPipelineLayout(device, layout, nullptr);
    vkDestroyFramebuffer(device, framebuffer, nullptr);
    vkDestroyRenderPass(device, pass, nullptr);
  }

  void make_pass(bool ms) {
    // Multisampled: draw into `msaa`, resolve into `target`; else draw into `target`. Either
    // way `target` ends ready to be copied out.
    std::array<VkAttachmentDescription, 2> att{};
    att[0].format = kColourFormat;
    att[0].samples = samples;
    att[0].loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
    att[0].storeOp = ms ? VK_ATTACHMENT_STORE_OP_DONT_CARE : VK_ATTACHMENT_STORE_OP_STORE;
    att[0].stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
    att[0].stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    att[0].initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    att[0].finalLayout =
        ms ? VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL : VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    att[1] = att[0];
    att[1].samples = VK_SAMPLE_COUNT_1_BIT;
    att[1].loadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
    att[1].storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    att[1].finalLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    const VkAttachmentReference colour{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    const VkAttachmentReference resolve{1, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    VkSubpassDescription sub{};
    sub.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
    sub.colorAttachmentCount = 1;
    sub.pColorAttachments = &colour;
    sub.pResolveAttachments = ms ? &resolve : nullptr;
    std::array<VkSubpassDependency, 2> deps{};
    deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
    deps[0].dstSubpass = 0;
    deps[0].srcStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
    deps[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    deps[0].srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    deps[0].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    deps[1].srcSubpass = 0;
    deps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
    deps[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    deps[1].dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
    deps[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    deps[1].dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    VkRenderPassCreateInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
    rp.attachmentCount = ms ? 2 : 1;
    rp.pAttachments = att.data();
    rp.subpassCount = 1;
    rp.pSubpasses = &sub;
    rp.dependencyCount = static_cast<std::uint32_t>(deps.size());
    rp.pDependencies = deps.data();
    PT_VK_CHECK(vkCreateRenderPass(device, &rp, nullptr, &pass));
    const std::array<VkImageView, 2> views{ms ? msaa.view() : target.view(), target.view()};
    VkFramebufferCreateInfo fb{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
    fb.renderPass = pass;
    fb.attachmentCount = ms ? 2 : 1;
    fb.pAttachments = views.data();
    fb.width = width;
    fb.height = height;
    fb.layers = 1;
    PT_VK_CHECK(vkCreateFramebuffer(device, &fb, nullptr, &framebuffer));
  }

  VkPipeline pipeline(VkShaderModule vert, VkShaderModule frag,
                      std::span<const VkVertexInputAttributeDescription> attributes,
                      std::uint32_t stride, VkVertexInputRate rate) {
    std::array<VkPipelineShaderStageCreateInfo, 2> stages{};
    stages[0].sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
    stages[0].module = vert;
    stages[0].pName = "main";
    stages[1] = stages[0];
    stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
    stages[1].module = frag;
    const VkVertexInputBindingDescription binding{0, stride, rate};
    VkPipelineVertexInputStateCreateInfo vi{
        VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
    vi.vertexBindingDescriptionCount = 1;
    vi.pVertexBindingDescriptions = &binding;
    vi.vertexAttributeDescriptionCount = static_cast<std::uint32_t>(attributes.size());
    vi.pVertexAttributeDescriptions = attributes.data();
    VkPipelineInputAssemblyStateCreateInfo ia{
        VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
    ia.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
    VkPipelineViewportStateCreateInfo vp{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
    vp.viewportCount = 1;
    vp.scissorCount = 1;
    VkPipelineRasterizationStateCreateInfo rs{
        VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
    rs.polygonMode = VK_POLYGON_MODE_FILL;
    rs.cullMode = VK_CULL_MODE_NONE;
    rs.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
    rs.lineWidth = 1.0f;
    VkPipelineMultisampleStateCreateInfo ms{
        VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
    ms.rasterizationSamples = samples;
    VkPipelineColorBlendAttachmentState blend{};
    blend.blendEnable = VK_TRUE;
    blend.srcColorBlendFactor = VK_BLEND_FACTOR_SRC_ALPHA;
    blend.dstColorBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA;
    blend.colorBlendOp = VK_BLEND_OP_ADD;
    blend.srcAlphaBlendFactor = VK_BLEND_FACTOR_ONE;
    blend.dstAlphaBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA;
    blend.alphaBlendOp = VK_BLEND_OP_ADD;
    blend.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT |
                           VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT;
    VkPipelineColorBlendStateCreateInfo cb{
        VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
    cb.attachmentCount = 1;
    cb.pAttachments = &blend;
    const std::array<VkDynamicState, 2> dynamic{VK_DYNAMIC_STATE_VIEWPORT,
                                                VK_DYNAMIC_STATE_SCISSOR};
    VkPipelineDynamicStateCreateInfo ds{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
    ds.dynamicStateCount = static_cast<std::uint32_t>(dynamic.size());
    ds.pDynamicStates = dynamic.data();
    VkGraphicsPipelineCreateInfo pi{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
    pi.stageCount = static_cast<std::uint32_t>(stages.size());
    pi.pStages = stages.data();
    pi.pVertexInputState = &vi;
    pi.pInputAssemblyState = &ia;
    pi.pViewportState = &vp;
    pi.pRasterizationState = &rs;
    pi.pMultisampleState = &ms;
    pi.pColorBlendState = &cb;
    pi.pDynamicState = &ds;
    pi.layout = layout;
    pi.renderPass = pass;
    VkPipeline p = VK_NULL_HANDLE;
    PT_VK_CHECK(vkCreateGraphicsPipelines(device, VK_NULL_HANDLE, 1, &pi, nullptr, &p));
    return p;
  }

  void make_pipelines() {
    const VkPushConstantRange push{VK_SHADER_STAGE_VERTEX_BIT, 0, 8 * sizeof(float)};
    VkPipelineLayoutCreateInfo li{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    li.pushConstantRangeCount = 1;
    li.pPushConstantRanges = &push;
    PT_VK_CHECK(vkCreatePipelineLayout(device, &li, nullptr, &layout));
    const VkShaderModule flat_vert = shader_module(device, shaders::kFlatVert);
    const VkShaderModule vehicle_vert = shader_module(device, shaders::kVehicleVert);
    const VkShaderModule frag = shader_module(device, shaders::kColourFrag);
    const std::array<VkVertexInputAttributeDescription, 3> flat_attrs{{
        {0, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(FlatVertex, x_m)},
        {1, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(FlatVertex, offset_x_m)},
        {2, 0, VK_FORMAT_R8G8B8A8_UNORM, offsetof(FlatVertex, colour)},
    }};
    const std::array<VkVertexInputAttributeDescription, 4> vehicle_attrs{{
        {0, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(VehicleInstance, front_x_m)},
        {1, 0, VK_FORMAT_R32_SFLOAT, offsetof(VehicleInstance, heading_rad)},
        {2, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(VehicleInstance, length_m)},
        {3, 0, VK_FORMAT_R8G8B8A8_UNORM, offsetof(VehicleInstance, colour)},
    }};
    flat_pipeline =
        pipeline(flat_vert, frag, flat_attrs, sizeof(FlatVertex), VK_VERTEX_INPUT_RATE_VERTEX);
    vehicle_pipeline = pipeline(vehicle_vert, frag, vehicle_attrs, sizeof(VehicleInstance),
                                VK_VERTEX_INPUT_RATE_INSTANCE);
    vkDestroyShaderModule(device, flat_vert, nullptr);
    vkDestroyShaderModule(device, vehicle_vert, nullptr);
    vkDestroyShaderModule(device, frag, nullptr);
  }

  // Host-visible buffer of at least `bytes`, grown by doubling (the device is idle between
  // frames, so the old one may go).
  void reserve(Buffer& b, std::size_t bytes) {
    if (b.size() >= bytes) return;
    VkDeviceSize size = 1 << 16;
    while (size < bytes) size *= 2;
    b = Buffer(ctx, size, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT, kHostMemory);
  }

  void frame(const SceneView& scene, const Camera& cam, bool read_back) {
    const bool links = cam.metres_per_pixel < cam.links_below_mpp;
    const std::array<const std::vector<FlatVertex>*, 4> parts{
        &scene.ground, links ? &scene.links : nullptr, &scene.lanes, &scene.overlays};
    std::size_t flat_count = 0;
    for (const auto* part : parts) flat_count += part != nullptr ? part->size() : 0;
    reserve(flat, std::max<std::size_t>(1, flat_count) * sizeof(FlatVertex));
    reserve(instances, std::max<std::size_t>(1, scene.vehicles.size()) * sizeof(VehicleInstance));
    auto* out = static_cast<unsigned char*>(flat.mapped());
    for (const auto* part : parts) {
      if (part == nullptr || part->empty()) continue;
      std::memcpy(out, part->data(), part->size() * sizeof(FlatVertex));
      out += part->size() * sizeof(FlatVertex);
    }
    if (!scene.vehicles.empty()) {
      std::memcpy(instances.mapped(), scene.vehicles.data(),
                  scene.vehicles.size() * sizeof(VehicleInstance));
    }

    // Metres to clip space; Vulkan's clip y points down, north is up in the picture.
    const double sx = 2.0 / (cam.metres_per_pixel * width);
    const double sy = -2.0 / (cam.metres_per_pixel * height);
    const double mpp = cam.metres_per_pixel;
    const std::array<float, 8> camera{static_cast<float>(sx),
                                      static_cast<float>(sy),
                                      static_cast<float>(-cam.center_x_m * sx),
                                      static_cast<float>(-cam.center_y_m * sy),
                                      static_cast<float>(0.5 * cam.min_band_px * mpp),
                                      static_cast<float>(cam.min_vehicle_length_px * mpp),
                                      static_cast<float>(cam.min_vehicle_width_px * mpp),
                                      0.0f};

    PT_VK_CHECK(vkResetCommandBuffer(cmd, 0));
    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    PT_VK_CHECK(vkBeginCommandBuffer(cmd, &bi));
    VkClearValue clear{};
    clear.color.float32[0] = scene.background.r / 255.0f;
    clear.color.float32[1] = scene.background.g / 255.0f;
    clear.color.float32[2] = scene.background.b / 255.0f;
    clear.color.float32[3] = 1.0f;
    VkRenderPassBeginInfo rb{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
    rb.renderPass = pass;
    rb.framebuffer = framebuffer;
    rb.renderArea = {{0, 0}, {width, height}};
    rb.clearValueCount = 1;
    rb.pClearValues = &clear;
    vkCmdBeginRenderPass(cmd, &rb, VK_SUBPASS_CONTENTS_INLINE);
    const VkViewport viewport{0.0f, 0.0f, static_cast<float>(width), static_cast<float>(height),
                              0.0f, 1.0f};
    const VkRect2D scissor{{0, 0}, {width, height}};
    vkCmdSetViewport(cmd, 0, 1, &viewport);
    vkCmdSetScissor(cmd, 0, 1, &scissor);
    vkCmdPushConstants(cmd, layout, VK_SHADER_STAGE_VERTEX_BIT, 0, sizeof(camera), camera.data());
    const VkDeviceSize zero = 0;
    // Pass 1: flat geometry, in buffer order (ground, links when close, lanes, stop lines).
    if (flat_count > 0) {
      vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, flat_pipeline);
      const VkBuffer b = flat.get();
      vkCmdBindVertexBuffers(cmd, 0, 1, &b, &zero);
      vkCmdDraw(cmd, static_cast<std::uint32_t>(flat_count), 1, 0, 0);
    }
    // Pass 2: vehicles, six vertices per instance.
    if (!scene.vehicles.empty()) {
      vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, vehicle_pipeline);
      const VkBuffer b = instances.get();
      vkCmdBindVertexBuffers(cmd, 0, 1, &b, &zero);
      vkCmdDraw(cmd, 6, static_cast<std::uint32_t>(scene.vehicles.size()), 0, 0);
    }
    vkCmdEndRenderPass(cmd);
    if (read_back) {
      VkBufferImageCopy copy{};
      copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
      copy.imageExtent = {width, height, 1};
      vkCmdCopyImageToBuffer(cmd, target.get(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                             readback.get(), 1, &copy);
      VkBufferMemoryBarrier to_host{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
      to_host.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
      to_host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
      to_host.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
      to_host.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
      to_host.buffer = readback.get();
      to_host.size = VK_WHOLE_SIZE;
      vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0,
                           nullptr, 1, &to_host, 0, nullptr);
    }
    PT_VK_CHECK(vkEndCommandBuffer(cmd));
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd;
    PT_VK_CHECK(vkQueueSubmit(ctx.queue(), 1, &si, fence));
    PT_VK_CHECK(vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX));
    PT_VK_CHECK(vkResetFences(device, 1, &fence));
    if (read_back) std::memcpy(image.pixels.data(), readback.mapped(), image.pixels.size());
  }
};

OffscreenRenderer::OffscreenRenderer(const VulkanContext& ctx, int width, int height,
                                     int max_samples) {
  if (width < 16 || height < 16 || width > 8192 || height > 8192) {
    throw Error("image size out of range")
        .field("--size")
        .expected("16..8192 pixels a side")
        .found(fmt::format("{}x{}", width, height));
  }
  impl_ = std::make_unique<Impl>(ctx, width, height, max_samples);
}

OffscreenRenderer::~OffscreenRenderer() = default;

const RgbaImage& OffscreenRenderer::render(const SceneView& scene, const Camera& camera) {
  impl_->frame(scene, camera, /*read_back=*/true);
  return impl_->image;
}

void OffscreenRenderer::draw(const SceneView& scene, const Camera& camera) {
  impl_->frame(scene, camera, /*read_back=*/false);
}

int OffscreenRenderer::samples() const { return static_cast<int>(impl_->samples); }

}  // namespace parktwin::render

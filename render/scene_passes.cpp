#include "render/scene_passes.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "render/shaders.h"
#include "render/vulkan/vk_check.h"

namespace parktwin::render {

namespace {

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

ScenePasses::ScenePasses(const VulkanContext& ctx, VkRenderPass pass, VkSampleCountFlagBits samples,
                         std::uint32_t slots)
    : ctx_(ctx),
      device_(ctx.device()),
      pass_(pass),
      samples_(samples),
      flat_(slots),
      instances_(slots) {
  const VkPushConstantRange push{VK_SHADER_STAGE_VERTEX_BIT, 0, 8 * sizeof(float)};
  VkPipelineLayoutCreateInfo li{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  li.pushConstantRangeCount = 1;
  li.pPushConstantRanges = &push;
  PT_VK_CHECK(vkCreatePipelineLayout(device_, &li, nullptr, &layout_));
  const VkShaderModule flat_vert = shader_module(device_, shaders::kFlatVert);
  const VkShaderModule vehicle_vert = shader_module(device_, shaders::kVehicleVert);
  const VkShaderModule frag = shader_module(device_, shaders::kColourFrag);
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
  flat_pipeline_ =
      pipeline(flat_vert, frag, flat_attrs, sizeof(FlatVertex), VK_VERTEX_INPUT_RATE_VERTEX);
  vehicle_pipeline_ = pipeline(vehicle_vert, frag, vehicle_attrs, sizeof(VehicleInstance),
                               VK_VERTEX_INPUT_RATE_INSTANCE);
  vkDestroyShaderModule(device_, flat_vert, nullptr);
  vkDestroyShaderModule(device_, vehicle_vert, nullptr);
  vkDestroyShaderModule(device_, frag, nullptr);
}

ScenePasses::~ScenePasses() {
  vkDestroyPipeline(device_, vehicle_pipeline_, nullptr);
  vkDestroyPipeline(device_, flat_pipeline_, nullptr);
  vkDestroyPipelineLayout(device_, layout_, nullptr);
}

VkPipeline ScenePasses::pipeline(VkShaderModule vert, VkShaderModule frag,
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
  VkPipelineMultisampleStateCreateInfo ms{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
  ms.rasterizationSamples = samples_;
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
  VkPipelineColorBlendStateCreateInfo cb{VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
  cb.attachmentCount = 1;
  cb.pAttachments = &blend;
  const std::array<VkDynamicState, 2> dynamic{VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
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
  pi.layout = layout_;
  pi.renderPass = pass_;
  VkPipeline p = VK_NULL_HANDLE;
  PT_VK_CHECK(vkCreateGraphicsPipelines(device_, VK_NULL_HANDLE, 1, &pi, nullptr, &p));
  return p;
}

// Host-visible buffer of at least `bytes`, grown by doubling (the slot's previous frame has
// finished, so the old one may go).
void ScenePasses::reserve(Buffer& b, std::size_t bytes) {
  if (b.size() >= bytes) return;
  VkDeviceSize size = 1 << 16;
  while (size < bytes) size *= 2;
  b = Buffer(ctx_, size, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT, kHostMemory);
}

void ScenePasses::record(VkCommandBuffer cmd, std::uint32_t slot, const SceneView& scene,
                         const Camera& cam, std::uint32_t width, std::uint32_t height) {
  Buffer& flat = flat_[slot];
  Buffer& instances = instances_[slot];
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
  const VkViewport viewport{0.0f, 0.0f, static_cast<float>(width), static_cast<float>(height),
                            0.0f, 1.0f};
  const VkRect2D scissor{{0, 0}, {width, height}};
  vkCmdSetViewport(cmd, 0, 1, &viewport);
  vkCmdSetScissor(cmd, 0, 1, &scissor);
  vkCmdPushConstants(cmd, layout_, VK_SHADER_STAGE_VERTEX_BIT, 0, sizeof(camera), camera.data());
  const VkDeviceSize zero = 0;
  // Pass 1: flat geometry, in buffer order (ground, links when close, lanes, stop lines).
  if (flat_count > 0) {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, flat_pipeline_);
    const VkBuffer b = flat.get();
    vkCmdBindVertexBuffers(cmd, 0, 1, &b, &zero);
    vkCmdDraw(cmd, static_cast<std::uint32_t>(flat_count), 1, 0, 0);
  }
  // Pass 2: vehicles, six vertices per instance.
  if (!scene.vehicles.empty()) {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, vehicle_pipeline_);
    const VkBuffer b = instances.get();
    vkCmdBindVertexBuffers(cmd, 0, 1, &b, &zero);
    vkCmdDraw(cmd, 6, static_cast<std::uint32_t>(scene.vehicles.size()), 0, 0);
  }
}

}  // namespace parktwin::render

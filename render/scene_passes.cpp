#include "render/scene_passes.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "engine/assert.h"
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
      flat_(slots * kMaxPanes),
      instances_(slots * kMaxPanes),
      solids_(slots * kMaxPanes) {
  const VkPushConstantRange push{VK_SHADER_STAGE_VERTEX_BIT, 0, sizeof(CameraConstants)};
  VkPipelineLayoutCreateInfo li{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  li.pushConstantRangeCount = 1;
  li.pPushConstantRanges = &push;
  PT_VK_CHECK(vkCreatePipelineLayout(device_, &li, nullptr, &layout_));
  const VkShaderModule flat_vert = shader_module(device_, shaders::kFlatVert);
  const VkShaderModule vehicle_vert = shader_module(device_, shaders::kVehicleVert);
  const VkShaderModule solid_vert = shader_module(device_, shaders::kSolidVert);
  const VkShaderModule frag = shader_module(device_, shaders::kColourFrag);
  const VkShaderModule solid_frag = shader_module(device_, shaders::kSolidFrag);
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
  // Flat geometry lies in the ground plane, layer over layer in draw order, below everything
  // else: it needs no depth at all (coplanar layers would fight), and skipping it saves a
  // CPU device most of its depth traffic. Solids test and write depth among themselves.
  flat_pipeline_ = pipeline(flat_vert, frag, flat_attrs, sizeof(FlatVertex),
                            VK_VERTEX_INPUT_RATE_VERTEX, Depth::none);
  vehicle_pipeline_ = pipeline(vehicle_vert, frag, vehicle_attrs, sizeof(VehicleInstance),
                               VK_VERTEX_INPUT_RATE_INSTANCE, Depth::test_and_write);
  vkDestroyShaderModule(device_, flat_vert, nullptr);
  const std::array<VkVertexInputAttributeDescription, 5> solid_attrs{{
      {0, 0, VK_FORMAT_R32G32B32_SFLOAT, offsetof(SolidVertex, x_m)},
      {1, 0, VK_FORMAT_R32_SFLOAT, offsetof(SolidVertex, shade)},
      {2, 0, VK_FORMAT_R8G8B8A8_UNORM, offsetof(SolidVertex, colour)},
      {3, 0, VK_FORMAT_R32_SFLOAT, offsetof(SolidVertex, storey_m)},
      {4, 0, VK_FORMAT_R32_SFLOAT, offsetof(SolidVertex, window_light)},
  }};
  solid_pipeline_ = pipeline(solid_vert, solid_frag, solid_attrs, sizeof(SolidVertex),
                             VK_VERTEX_INPUT_RATE_VERTEX, Depth::test_and_write);
  vkDestroyShaderModule(device_, vehicle_vert, nullptr);
  vkDestroyShaderModule(device_, solid_vert, nullptr);
  vkDestroyShaderModule(device_, frag, nullptr);
  vkDestroyShaderModule(device_, solid_frag, nullptr);
}

ScenePasses::~ScenePasses() {
  vkDestroyPipeline(device_, vehicle_pipeline_, nullptr);
  vkDestroyPipeline(device_, solid_pipeline_, nullptr);
  vkDestroyPipeline(device_, flat_pipeline_, nullptr);
  vkDestroyPipelineLayout(device_, layout_, nullptr);
}

VkPipeline ScenePasses::pipeline(VkShaderModule vert, VkShaderModule frag,
                                 std::span<const VkVertexInputAttributeDescription> attributes,
                                 std::uint32_t stride, VkVertexInputRate rate, Depth depth) {
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
  // Solids (vehicle boxes) are closed and wound counter-clockwise seen from outside: their
  // back faces are never seen. Flat bands may be wound either way.
  rs.cullMode = depth == Depth::test_and_write ? VK_CULL_MODE_BACK_BIT : VK_CULL_MODE_NONE;
  rs.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
  rs.lineWidth = 1.0f;
  VkPipelineMultisampleStateCreateInfo ms{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
  ms.rasterizationSamples = samples_;
  VkPipelineDepthStencilStateCreateInfo dss{
      VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
  dss.depthTestEnable = depth == Depth::test_and_write ? VK_TRUE : VK_FALSE;
  dss.depthWriteEnable = depth == Depth::test_and_write ? VK_TRUE : VK_FALSE;
  dss.depthCompareOp = VK_COMPARE_OP_GREATER;  // reversed depth: nearer is greater
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
  pi.pDepthStencilState = &dss;
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

void ScenePasses::record(VkCommandBuffer cmd, std::uint32_t slot, std::uint32_t pane,
                         const SceneView& scene, const Camera& cam, VkRect2D area) {
  PT_ASSERT(pane < kMaxPanes, "pane out of range");
  Buffer& flat = flat_[slot * kMaxPanes + pane];
  Buffer& instances = instances_[slot * kMaxPanes + pane];
  Buffer& solids = solids_[slot * kMaxPanes + pane];
  const std::uint32_t width = area.extent.width, height = area.extent.height;
  const bool links = cam.metres_per_pixel < cam.links_below_mpp;
  const std::array<const std::vector<FlatVertex>*, 4> parts{
      &scene.ground, links ? &scene.links : nullptr, &scene.lanes, &scene.overlays};
  std::size_t flat_count = 0;
  for (const auto* part : parts) flat_count += part != nullptr ? part->size() : 0;
  reserve(flat, std::max<std::size_t>(1, flat_count) * sizeof(FlatVertex));
  reserve(instances, std::max<std::size_t>(1, scene.vehicles.size()) * sizeof(VehicleInstance));
  reserve(solids, std::max<std::size_t>(1, scene.buildings.size()) * sizeof(SolidVertex));
  if (!scene.buildings.empty()) {
    std::memcpy(solids.mapped(), scene.buildings.data(),
                scene.buildings.size() * sizeof(SolidVertex));
  }
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
  CameraConstants constants;
  constants.view_projection =
      view_projection(cam, static_cast<int>(width), static_cast<int>(height));
  const CameraPose pose = pose_of(cam, static_cast<int>(height));
  constants.minimum = {static_cast<float>(2.0 * pose.tan_half_fov / height),
                       static_cast<float>(0.5 * cam.min_band_px),
                       static_cast<float>(cam.min_vehicle_length_px),
                       static_cast<float>(cam.min_vehicle_width_px)};
  constants.eye = {static_cast<float>(pose.eye.x), static_cast<float>(pose.eye.y),
                   static_cast<float>(pose.eye.z), scene.daylight};
  const VkViewport viewport{static_cast<float>(area.offset.x),
                            static_cast<float>(area.offset.y),
                            static_cast<float>(width),
                            static_cast<float>(height),
                            0.0f,
                            1.0f};
  vkCmdSetViewport(cmd, 0, 1, &viewport);
  vkCmdSetScissor(cmd, 0, 1, &area);
  vkCmdPushConstants(cmd, layout_, VK_SHADER_STAGE_VERTEX_BIT, 0, sizeof(constants), &constants);
  const VkDeviceSize zero = 0;
  // Pass 1: flat geometry, in buffer order (ground, links when close, lanes, stop lines).
  if (flat_count > 0) {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, flat_pipeline_);
    const VkBuffer b = flat.get();
    vkCmdBindVertexBuffers(cmd, 0, 1, &b, &zero);
    vkCmdDraw(cmd, static_cast<std::uint32_t>(flat_count), 1, 0, 0);
  }
  // Pass 2: buildings.
  if (!scene.buildings.empty()) {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, solid_pipeline_);
    const VkBuffer b = solids.get();
    vkCmdBindVertexBuffers(cmd, 0, 1, &b, &zero);
    vkCmdDraw(cmd, static_cast<std::uint32_t>(scene.buildings.size()), 1, 0, 0);
  }
  // Pass 3: vehicles, a box of eighteen vertices per instance (vehicle.vert): the roof, then
  // the two sides facing the eye. Far out the sides would be a pixel or less (1.5 m high at a
  // metre per pixel or more): the roof alone then, a third of the vertices.
  if (!scene.vehicles.empty()) {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, vehicle_pipeline_);
    const VkBuffer b = instances.get();
    vkCmdBindVertexBuffers(cmd, 0, 1, &b, &zero);
    const std::uint32_t vertices = cam.metres_per_pixel >= 1.0 ? 6 : 18;
    vkCmdDraw(cmd, vertices, static_cast<std::uint32_t>(scene.vehicles.size()), 0, 0);
  }
}

}  // namespace parktwin::render

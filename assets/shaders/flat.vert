#version 450
// Flat geometry in the ground plane (ground, junction links, lanes, stop lines): a centre-line
// point plus the offset to the band's edge, in metres relative to the scene origin, mapped to
// clip space by the camera's scale and offset. Offsets are stretched to the camera's minimum
// half-width so that thin bands stay visible when zoomed out.
layout(push_constant) uniform Camera {
  vec4 scale_offset;  // x, y: clip units per metre; z, w: clip offset
  vec4 minimum;       // x: half-width of a band (m); y, z: vehicle length and width (m)
} cam;
layout(location = 0) in vec2 centre_m;
layout(location = 1) in vec2 offset_m;
layout(location = 2) in vec4 colour;
layout(location = 0) out vec4 v_colour;
void main() {
  float half_width = length(offset_m);
  vec2 offset = half_width > 0.0 ? offset_m * max(1.0, cam.minimum.x / half_width) : offset_m;
  gl_Position = vec4((centre_m + offset) * cam.scale_offset.xy + cam.scale_offset.zw, 0.5, 1.0);
  v_colour = colour;
}

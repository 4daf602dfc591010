#version 450
#extension GL_GOOGLE_include_directive : require
// Flat geometry in the ground plane (ground, junction links, lanes, stop lines): a centre-line
// point plus the offset to the band's edge, in metres relative to the scene origin. Offsets
// are stretched to the camera's minimum width in pixels at that point's distance, so that
// thin bands stay visible when zoomed out (or far off in a tilted view).
#include "camera.glsl"
layout(location = 0) in vec2 centre_m;
layout(location = 1) in vec2 offset_m;
layout(location = 2) in vec4 colour;
layout(location = 0) out vec4 v_colour;
void main() {
  float half_width = length(offset_m);
  float minimum = cam.minimum.y * metres_per_pixel(cam.view_projection * vec4(centre_m, 0.0, 1.0));
  vec2 offset = half_width > 0.0 ? offset_m * max(1.0, minimum / half_width) : offset_m;
  gl_Position = cam.view_projection * vec4(centre_m + offset, 0.0, 1.0);
  v_colour = colour;
}

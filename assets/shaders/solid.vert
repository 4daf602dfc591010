#version 450
#extension GL_GOOGLE_include_directive : require
// Solids with their own geometry (buildings): a point in metres, its face's shade under the
// fixed light, and its colour; the light dims at night (camera.eye.w: daylight 0..1).
#include "camera.glsl"
layout(location = 0) in vec3 position_m;
layout(location = 1) in float shade;
layout(location = 2) in vec4 colour;
layout(location = 0) out vec4 v_colour;
void main() {
  gl_Position = cam.view_projection * vec4(position_m, 1.0);
  float light = shade * (0.3 + 0.7 * cam.eye.w);
  v_colour = vec4(colour.rgb * light, colour.a);
}

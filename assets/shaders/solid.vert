#version 450
#extension GL_GOOGLE_include_directive : require
// Solids with their own geometry (buildings): a point in metres, its face's shade under the
// fixed light, and its colour; the light dims at night (camera.eye.w: daylight 0..1). Walls
// also carry their storey height and the share of their windows lit, for solid.frag.
#include "camera.glsl"
layout(location = 0) in vec3 position_m;
layout(location = 1) in float shade;
layout(location = 2) in vec4 colour;
layout(location = 3) in float storey_m;
layout(location = 4) in float window_light;
layout(location = 0) out vec4 v_colour;
layout(location = 1) out vec3 v_position_m;
layout(location = 2) out float v_storey_m;
layout(location = 3) out float v_window_light;
layout(location = 4) out float v_night;
void main() {
  gl_Position = cam.view_projection * vec4(position_m, 1.0);
  float light = shade * (0.3 + 0.7 * cam.eye.w);
  v_colour = vec4(colour.rgb * light, colour.a);
  v_position_m = position_m;
  v_storey_m = storey_m;
  v_window_light = window_light;
  v_night = 1.0 - cam.eye.w;
}

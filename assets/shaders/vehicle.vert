#version 450
#extension GL_GOOGLE_include_directive : require
// One instanced box per vehicle: its front at `front_m`, `size_m.x` long backwards along
// `heading` (radians, counter-clockwise from east), `size_m.y` wide, at least the camera's
// minimum size in pixels; 1.5 m high, 3 m for vehicles over 7 m long (buses, trucks).
// Eighteen vertices from gl_VertexIndex, no vertex buffer: the roof, and of the four sides only
// the two that face the eye (a box never shows more), each two triangles counter-clockwise
// seen from outside. The roof is lighter at the front, so the direction of travel shows from
// above; the sides are shaded by a fixed light.
#include "camera.glsl"
layout(location = 0) in vec2 front_m;
layout(location = 1) in float heading;
layout(location = 2) in vec2 size_m;
layout(location = 3) in vec4 colour;
layout(location = 0) out vec4 v_colour;
// Box corners: x along the vehicle (0 front, -1 back), y across (+0.5 left), z up (0..1).
// Faces: roof, front, back, left, right.
const vec3 corners[30] = vec3[](
    vec3(-1, -0.5, 1), vec3(0, -0.5, 1), vec3(0, 0.5, 1),
    vec3(-1, -0.5, 1), vec3(0, 0.5, 1), vec3(-1, 0.5, 1),
    vec3(0, -0.5, 0), vec3(0, 0.5, 0), vec3(0, 0.5, 1),
    vec3(0, -0.5, 0), vec3(0, 0.5, 1), vec3(0, -0.5, 1),
    vec3(-1, 0.5, 0), vec3(-1, -0.5, 0), vec3(-1, -0.5, 1),
    vec3(-1, 0.5, 0), vec3(-1, -0.5, 1), vec3(-1, 0.5, 1),
    vec3(0, 0.5, 0), vec3(-1, 0.5, 0), vec3(-1, 0.5, 1),
    vec3(0, 0.5, 0), vec3(-1, 0.5, 1), vec3(0, 0.5, 1),
    vec3(-1, -0.5, 0), vec3(0, -0.5, 0), vec3(0, -0.5, 1),
    vec3(-1, -0.5, 0), vec3(0, -0.5, 1), vec3(-1, -0.5, 1));
const vec3 normals[5] = vec3[](vec3(0, 0, 1), vec3(1, 0, 0), vec3(-1, 0, 0), vec3(0, 1, 0),
                               vec3(0, -1, 0));
// Towards the light: from the north-west and 48 degrees up, as in map hill shading.
const vec3 light = vec3(-0.48, 0.48, 0.74);
void main() {
  vec2 dir = vec2(cos(heading), sin(heading));
  vec2 left = vec2(-dir.y, dir.x);
  float mpp = metres_per_pixel(cam.view_projection * vec4(front_m, 0.0, 1.0));
  vec2 size = max(size_m, cam.minimum.zw * mpp);
  float height = size_m.x > 7.0 ? 3.0 : 1.5;
  // Which end and which side face the eye (from the box's centre).
  vec2 to_eye = cam.eye.xy - (front_m - dir * (0.5 * size.x));
  int slot = gl_VertexIndex / 6;
  int face = slot == 0 ? 0 : slot == 1 ? (dot(to_eye, dir) >= 0.0 ? 1 : 2)
                                       : (dot(to_eye, left) >= 0.0 ? 3 : 4);
  vec3 corner = corners[face * 6 + gl_VertexIndex % 6];
  vec2 p = front_m + dir * (corner.x * size.x) + left * (corner.y * size.y);
  gl_Position = cam.view_projection * vec4(p, corner.z * height, 1.0);
  float shade;
  if (face == 0) {
    shade = corner.x < -0.5 ? 0.7 : 1.0;
  } else {
    vec3 n = normals[face];
    vec3 world_n = vec3(dir * n.x + left * n.y, 0.0);
    shade = 0.5 + 0.4 * max(0.0, dot(world_n, light));
  }
  v_colour = vec4(colour.rgb * shade, colour.a);
}

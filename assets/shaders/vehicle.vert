#version 450
// One instanced rectangle per vehicle: its front at `front_m`, `size_m.x` long backwards
// along `heading` (radians, counter-clockwise from east) and `size_m.y` wide, at least the
// camera's minimum size. Six vertices (two triangles) per instance from gl_VertexIndex: no
// vertex buffer. The front is lighter than the back, so the direction of travel shows.
layout(push_constant) uniform Camera {
  vec4 scale_offset;
  vec4 minimum;  // y, z: vehicle length and width (m)
} cam;
layout(location = 0) in vec2 front_m;
layout(location = 1) in float heading;
layout(location = 2) in vec2 size_m;
layout(location = 3) in vec4 colour;
layout(location = 0) out vec4 v_colour;
const vec2 corners[6] = vec2[](vec2(0.0, -0.5), vec2(0.0, 0.5), vec2(-1.0, 0.5),
                               vec2(0.0, -0.5), vec2(-1.0, 0.5), vec2(-1.0, -0.5));
void main() {
  vec2 corner = corners[gl_VertexIndex];
  vec2 c = corner * max(size_m, cam.minimum.yz);
  vec2 dir = vec2(cos(heading), sin(heading));
  vec2 p = front_m + dir * c.x + vec2(-dir.y, dir.x) * c.y;
  gl_Position = vec4(p * cam.scale_offset.xy + cam.scale_offset.zw, 0.4, 1.0);
  v_colour = vec4(colour.rgb * (corner.x < -0.5 ? 0.7 : 1.0), colour.a);
}

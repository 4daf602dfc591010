// The camera's push constants, shared by every scene shader (render/camera.h, scene_passes.cpp).
layout(push_constant) uniform Camera {
  mat4 view_projection;  // scene metres to clip space; clip w = distance along the view
  // x: metres per pixel per metre of distance; y: minimum half-width of a band (pixels);
  // z, w: minimum vehicle length and width (pixels)
  vec4 minimum;
  vec4 eye;  // xyz: the camera's position (metres); w: daylight, 0 (night) to 1
} cam;

// Metres one pixel spans at clip position `clip`.
float metres_per_pixel(vec4 clip) { return cam.minimum.x * clip.w; }

#version 450
// Buildings: the face's colour, and after dark the windows of the walls: one band of panes per
// storey (from 30% to 75% of its height, above the ground floor's lower part), panes 2.6 m wide
// every 3.5 m along the wall. Each pane is lit or not by a hash of where it is, lit with the
// probability the building's activity gives (window_light, set per frame by
// render/building_scene.cpp), in a warm white (about 3000 K) as bright as it is dark outside.
layout(location = 0) in vec4 v_colour;
layout(location = 1) in vec3 v_position_m;
layout(location = 2) in float v_storey_m;
layout(location = 3) in float v_window_light;
layout(location = 4) in float v_night;
layout(location = 0) out vec4 out_colour;

float hash(vec2 cell) { return fract(sin(dot(cell, vec2(12.9898, 78.233))) * 43758.5453); }

void main() {
  vec4 c = v_colour;
  if (v_storey_m > 0.0 && v_window_light > 0.0 && v_night > 0.0) {
    float storey = v_position_m.z / v_storey_m;
    float along = (v_position_m.x + v_position_m.y) / 3.5;
    float level = fract(storey), across = fract(along);
    if (level > 0.3 && level < 0.75 && across < 0.75) {
      float lit = step(hash(vec2(floor(storey), floor(along))), v_window_light);
      c.rgb = mix(c.rgb, vec3(1.0, 0.84, 0.63), lit * v_night);
    }
  }
  out_colour = c;
}

#pragma once
// PNG files of rendered frames (stb_image_write / stb_image from Debian's libstb).

#include <string>

#include "render/offscreen_renderer.h"

namespace parktwin::render {

// Writes `image` as an 8-bit RGBA PNG. Throws parktwin::Error naming the file when it cannot.
void write_png(const std::string& path, const RgbaImage& image);
// Reads a PNG as 8-bit RGBA. Throws parktwin::Error naming the file when it is not one.
RgbaImage read_png(const std::string& path);

}  // namespace parktwin::render

#include "render/png_io.h"

#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include <cstring>

#include "engine/error.h"

namespace parktwin::render {

void write_png(const std::string& path, const RgbaImage& image) {
  if (stbi_write_png(path.c_str(), image.width, image.height, 4, image.pixels.data(),
                     image.width * 4) == 0) {
    throw Error("cannot write PNG").in_file(path).expected("a writable path");
  }
}

RgbaImage read_png(const std::string& path) {
  int w = 0, h = 0, channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &w, &h, &channels, 4);
  if (data == nullptr) {
    throw Error("cannot read PNG").in_file(path).found(stbi_failure_reason());
  }
  RgbaImage image;
  image.width = w;
  image.height = h;
  image.pixels.assign(data, data + static_cast<std::size_t>(w) * h * 4);
  stbi_image_free(data);
  return image;
}

}  // namespace parktwin::render

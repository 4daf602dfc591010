#include "tools/image_size.h"

#include <fmt/format.h>

#include <cstdio>

#include "engine/error.h"

namespace parktwin::cli {

ImageSize parse_image_size(const std::string& text, int min_width, int min_height, int max_side) {
  ImageSize size;
  char x = 0, rest = 0;
  const bool shaped =
      std::sscanf(text.c_str(), "%d%c%d%c", &size.width, &x, &size.height, &rest) == 3 && x == 'x';
  if (!shaped || size.width < min_width || size.height < min_height || size.width > max_side ||
      size.height > max_side) {
    throw Error(shaped ? "size out of range" : "bad size")
        .field("--size")
        .expected(fmt::format("WIDTHxHEIGHT, from {}x{} to {}x{} pixels", min_width, min_height,
                              max_side, max_side))
        .found(text);
  }
  return size;
}

}  // namespace parktwin::cli

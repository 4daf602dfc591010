#pragma once
// The --size WIDTHxHEIGHT option of `parktwin render` (a picture) and `parktwin view` (a
// window), read the same way by both.

#include <string>

namespace parktwin::cli {

struct ImageSize {
  int width = 0, height = 0;
};

// "WIDTHxHEIGHT", each side within [min_width, max_side] and [min_height, max_side]. Throws
// parktwin::Error naming --size, the form and the range expected, and the text found.
ImageSize parse_image_size(const std::string& text, int min_width, int min_height, int max_side);

}  // namespace parktwin::cli

#pragma once
// SPIR-V of the GLSL shaders in assets/shaders, compiled by glslc at build time and linked
// into the program, so that a frame needs no file at run time.

#include <cstdint>
#include <span>

namespace parktwin::render::shaders {

extern const std::span<const std::uint32_t> kFlatVert;     // assets/shaders/flat.vert
extern const std::span<const std::uint32_t> kVehicleVert;  // assets/shaders/vehicle.vert
extern const std::span<const std::uint32_t> kSolidVert;    // assets/shaders/solid.vert
extern const std::span<const std::uint32_t> kColourFrag;   // assets/shaders/colour.frag
extern const std::span<const std::uint32_t> kSolidFrag;    // assets/shaders/solid.frag

}  // namespace parktwin::render::shaders

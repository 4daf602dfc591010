#include "render/shaders.h"

namespace parktwin::render::shaders {

namespace {
// glslc -mfmt=c writes each module as a brace-enclosed list of 32-bit words.
constexpr std::uint32_t kFlatVertWords[] =
#include "flat.vert.inc"
    ;
constexpr std::uint32_t kVehicleVertWords[] =
#include "vehicle.vert.inc"
    ;
constexpr std::uint32_t kSolidVertWords[] =
#include "solid.vert.inc"
    ;
constexpr std::uint32_t kColourFragWords[] =
#include "colour.frag.inc"
    ;
constexpr std::uint32_t kSolidFragWords[] =
#include "solid.frag.inc"
    ;
}  // namespace

const std::span<const std::uint32_t> kFlatVert{kFlatVertWords};
const std::span<const std::uint32_t> kVehicleVert{kVehicleVertWords};
const std::span<const std::uint32_t> kSolidVert{kSolidVertWords};
const std::span<const std::uint32_t> kColourFrag{kColourFragWords};
const std::span<const std::uint32_t> kSolidFrag{kSolidFragWords};

}  // namespace parktwin::render::shaders

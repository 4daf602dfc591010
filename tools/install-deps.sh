#!/usr/bin/env bash
# Installs every Debian 12 package parktwin builds, runs or tests with.
# Idempotent: asks dpkg what is present and calls apt-get only for what is missing,
# so a second run on a ready machine takes about a second.
#
# usage: tools/install-deps.sh [--test]   (--test adds the tools the test suite runs)
set -euo pipefail

build_packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # engine
  libtbb-dev libspdlog-dev libfmt-dev libcli11-dev
  # scenarios and results
  libtomlplusplus-dev nlohmann-json3-dev libpugixml-dev libhdf5-dev
  # sim
  libeigen3-dev libbullet-dev
  # render
  libvulkan-dev glslc mesa-vulkan-drivers libglfw3-dev libimgui-dev libstb-dev
  # render --video pipes its frames to ffmpeg (and the tests read videos with ffprobe)
  ffmpeg
  # ai and cluster; OpenBLAS (single-threaded: deterministic, no threads of its own beside
  # TBB's) replaces the reference BLAS that libtorch links by default, 9x slower on the
  # learners' small matrices
  libtorch-dev libopenblas0-serial libopenmpi-dev openmpi-bin
  # the Python package (python/): its extension, the numpy it returns, pip install . offline
  pybind11-dev python3-dev python3-numpy python3-setuptools python3-venv python3-pip
  # the test binaries are configured in every build
  catch2
)
test_packages=(
  sumo sumo-tools hdf5-tools python3-h5py python3-numpy python3-torch python3-matplotlib xvfb xauth x11-apps xdotool
  python3-pytest python3-pandas
  vulkan-validationlayers
  clang-format
  # the fuzz preset: clang with libFuzzer and the sanitizer runtimes (libclang-rt-14-dev)
  clang libclang-rt-14-dev
)

want=("${build_packages[@]}")
case "${1:-}" in
  --test) want+=("${test_packages[@]}") ;;
  "") ;;
  -h | --help)
    sed -n '2,7p' "$0"
    exit 0
    ;;
  *)
    echo "install-deps.sh: unknown option '$1' (expected --test or nothing)" >&2
    exit 2
    ;;
esac

missing=()
for p in "${want[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: missing packages: ${missing[*]}" >&2
  echo "install-deps.sh: run as root (or with sudo) to install them" >&2
  exit 1
fi
echo "install-deps.sh: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps.sh: done"

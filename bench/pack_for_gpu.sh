#!/usr/bin/env bash
# Packs bench_render with the shared libraries a bare GPU machine lacks into build/gpu, with
# check.sh to run there (the device tool carries build/gpu). Run after a release build:
#   bench/pack_for_gpu.sh && <device run> bash build/gpu/check.sh
# Headless NVIDIA containers list libGLX_nvidia.so.0 as the Vulkan driver, which cannot start
# without X ("Could not get 'vkCreateInstance'"); check.sh points the loader at the same
# driver through libEGL_nvidia.so.0 instead.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/build/gpu
rm -rf "$out"
mkdir -p "$out/lib"
cp "$root/build/release/bin/bench_render" "$out/"
for lib in libvulkan.so.1 libfmt.so.9 libpugixml.so.1; do
  cp -L "/lib/x86_64-linux-gnu/$lib" "$out/lib/"
done
cat > "$out/nvidia_egl_icd.json" <<'JSON'
{ "file_format_version": "1.0.1",
  "ICD": { "library_path": "/usr/local/nvidia/lib64/libEGL_nvidia.so.0", "api_version": "1.3.0" } }
JSON
cat > "$out/check.sh" <<'SH'
#!/bin/bash
cd "$(dirname "$0")"
export LD_LIBRARY_PATH=$PWD/lib
nvidia-smi -L
[ -f /usr/local/nvidia/lib64/libEGL_nvidia.so.0 ] && export VK_ICD_FILENAMES=$PWD/nvidia_egl_icd.json
./bench_render --device gpu --frames 60
./bench_render --device gpu --frames 60 --size 3840x2160 --vehicles 100000,1000000
SH
chmod +x "$out/check.sh"
du -sh "$out"

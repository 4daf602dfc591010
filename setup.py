"""Builds the extension `parktwin._parktwin` with the project's CMake build for `pip install .`
(pyproject.toml). The engine is configured in build/pip without tests, benchmarks or the
libtorch learners, with this interpreter; only the extension's target is built."""

import os
import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = ROOT / "build" / "pip"
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build), "-G", "Ninja",
            "-DCMAKE_BUILD_TYPE=Release", f"-DPython3_EXECUTABLE={sys.executable}",
            "-DPARKTWIN_BUILD_TESTS=OFF", "-DPARKTWIN_BUILD_BENCH=OFF",
            "-DPARKTWIN_WITH_TORCH=OFF", "-DPARKTWIN_WITH_PYTHON=ON",
        ]
        subprocess.run(configure, check=True)
        jobs = str(os.cpu_count() or 1)
        subprocess.run(["cmake", "--build", str(build), "--target", "parktwin_python",
                        "--parallel", jobs], check=True)
        built = next((build / "python" / "parktwin").glob("_parktwin*.so"))
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built, target)


setup(ext_modules=[CMakeExtension("parktwin._parktwin")], cmdclass={"build_ext": CMakeBuild})

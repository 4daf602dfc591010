"""A virtual X display (Xvfb) for the viewer's tests: the environment to run a window in."""

import contextlib
import os
import subprocess
import time


def free_display():
    for n in range(90, 140):
        if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
            return n
    raise RuntimeError("no free X display number in :90..:139")


@contextlib.contextmanager
def virtual_display(size="1280x800x24"):
    """Starts Xvfb on a free display; yields an environment for programs to draw on it, with
    the Vulkan validation layer on (the viewer exits 1 on any message)."""
    display = free_display()
    xvfb = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", size, "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(f"/tmp/.X11-unix/X{display}"):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("Xvfb did not start")
        yield dict(os.environ, DISPLAY=f":{display}", PARKTWIN_VULKAN_VALIDATION="1",
                   XDG_RUNTIME_DIR=os.environ.get("XDG_RUNTIME_DIR", "/tmp"))
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)

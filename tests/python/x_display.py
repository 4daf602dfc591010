"""A virtual X display (Xvfb) for the viewer's tests: the environment to run a window in."""

import contextlib
import os
import select
import subprocess


@contextlib.contextmanager
def virtual_display(size="1280x800x24"):
    """Starts Xvfb on a free display; yields an environment for programs to draw on it, with
    the Vulkan validation layer on (the viewer exits 1 on any message).

    Xvfb picks the display number itself (-displayfd) and writes it once it accepts
    connections: two tests started at once can't both pick the same free-looking number,
    which made one of them draw on the other's server and lose it when that test ended."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", size,
                             "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            pass_fds=(write_end,))
    os.close(write_end)
    try:
        number = b""
        while not number.endswith(b"\n"):
            ready, _, _ = select.select([read_end], [], [], 20)
            chunk = os.read(read_end, 16) if ready else b""
            if not chunk:
                raise RuntimeError(f"Xvfb did not start (exit status {xvfb.poll()})")
            number += chunk
        display = int(number)
        yield dict(os.environ, DISPLAY=f":{display}", PARKTWIN_VULKAN_VALIDATION="1",
                   XDG_RUNTIME_DIR=os.environ.get("XDG_RUNTIME_DIR", "/tmp"))
    finally:
        os.close(read_end)
        xvfb.terminate()
        xvfb.wait(timeout=10)

#!/usr/bin/python3
"""`parktwin render --video` as a user runs it (issue 21): an MP4 of a live scenario with the
demo tour and of a replayed run file with a keyframe camera path, checked with ffprobe
(H.264, yuv420p, the size asked, the frame count and duration that --from/--to/--speed/--fps
imply) and decoded with ffmpeg (the traffic moves between the first and the last frame; a
keyframe held still gives identical frames). Bad input ends with one error naming the flag or
file and leaves nothing: no ffmpeg on PATH, an odd size, a keyframe file out of order, an
existing video without --force (kept as it was).

usage: test_render_video.py PARKTWIN SOURCE_DIR WORK_DIR
"""

import json
import os
import pathlib
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_run import run  # noqa: E402


def probe(video):
    out = run(["ffprobe", "-v", "error", "-count_frames", "-show_entries",
               "stream=codec_name,pix_fmt,width,height,nb_read_frames,duration", "-of", "json",
               video])
    (stream,) = json.loads(out)["streams"]
    return stream


def frames(video, width, height):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3).astype(np.int16)


def main():
    parktwin, source, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    scenario = source / "assets/scenarios/hangzhou_4x4/scenario.toml"
    common = ["--device", "cpu", "--force"]

    # A live scenario, 120 simulated seconds at 10x and 10 frames/s: 121 frames, 12.1 s.
    live = work / "video_live.mp4"
    out = run([parktwin, "render", scenario, "--video", live, "--from", "0", "--to", "120",
               "--speed", "10", "--fps", "10", "--size", "320x240", "--camera-path", "tour",
               *common])
    print(out.strip().splitlines()[-1])
    s = probe(live)
    print("live:", s)
    assert (s["codec_name"], s["pix_fmt"], s["width"], s["height"]) == ("h264", "yuv420p", 320, 240)
    assert int(s["nb_read_frames"]) == 121 and abs(float(s["duration"]) - 12.1) < 0.01, s
    assert "121 frames of 320x240 at 10 frames/s" in out, out

    # A replayed run with a keyframe path: held still for 2 s of video, then a flight.
    run_file = work / "video_run.h5"
    run_file.unlink(missing_ok=True)
    run([parktwin, "run", scenario, "--duration", "900", "--out", run_file, "--quiet"])
    path = work / "video_path.csv"
    path.write_text("video_s,x,y,metres_per_pixel,pitch_deg,heading_deg\n"
                    "# the whole grid, still, then down to a junction at an angle\n"
                    "0,1200,900,20,90,0\n2,1200,900,20,90,0\n5,800,600,0.6,40,120\n")
    replay = work / "video_replay.mp4"
    out = run([parktwin, "render", run_file, "--video", replay, "--from", "300", "--to", "900",
               "--speed", "60", "--fps", "10", "--size", "256x144", "--camera-path", path,
               "--colour", "density", *common])
    print(out.strip().splitlines()[-1])
    s = probe(replay)
    print("replay:", s)
    assert (s["width"], s["height"], int(s["nb_read_frames"])) == (256, 144, 101), s
    assert abs(float(s["duration"]) - 10.1) < 0.01, s
    f = frames(replay, 256, 144)
    assert len(f) == 101
    # The replay's samples are 60 s apart (the run's default) and the video moves at 60x:
    # frames 0 and 9 show the same sample from the same camera; the flight changes the picture.
    still = np.abs(f[0] - f[9]).mean()
    moved = np.abs(f[0] - f[-1]).mean()
    print(f"mean pixel change: held {still:.2f}, after the flight {moved:.2f}")
    assert still < 1.0 and moved > 10.0, (still, moved)

    # Traffic moves in the live video (fixed camera): first and last frame differ on the roads.
    f = frames(live, 320, 240)
    assert np.abs(f[0] - f[-1]).max() > 50

    # Bad input: one error naming what is wrong, nothing written.
    missing = work / "video_missing.mp4"
    missing.unlink(missing_ok=True)
    env = dict(os.environ, PATH="/nonexistent")
    err = run([os.path.abspath(parktwin), "render", scenario, "--video", missing, "--to", "60",
               "--size", "64x64", "--device", "cpu"], expect=1, env=env)
    assert "cannot start ffmpeg" in err and "apt install ffmpeg" in err, err
    err = run([parktwin, "render", scenario, "--video", missing, "--to", "60", "--size", "65x64"],
              expect=1)
    assert "--size: video size not even" in err, err
    bad_path = work / "video_bad_path.csv"
    bad_path.write_text("video_s,x,y,metres_per_pixel,pitch_deg,heading_deg\n"
                        "3,0,0,1,90,0\n2,0,0,1,90,0\n")
    err = run([parktwin, "render", scenario, "--video", missing, "--to", "60", "--size", "64x64",
               "--camera-path", bad_path], expect=1)
    assert f"{bad_path}:3:1: video_s: out of range" in err, err
    assert not missing.exists() and not list(work.glob("video_missing.mp4*"))
    keep = work / "video_keep.mp4"
    keep.write_text("keep me")
    err = run([parktwin, "render", scenario, "--video", keep, "--to", "60", "--size", "64x64"],
              expect=1)
    assert "output file exists" in err and keep.read_text() == "keep me", err
    print("render --video: 2 videos checked, 4 bad inputs refused")


if __name__ == "__main__":
    main()

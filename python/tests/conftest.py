"""Shared fixtures of the Python suite: where the sources and the build are (ctest sets
PARKTWIN_SOURCE_DIR and PARKTWIN_BUILD_DIR), the default scenario, temporary folders."""

import os
import pathlib

import pytest

SOURCE = pathlib.Path(os.environ.get("PARKTWIN_SOURCE_DIR",
                                     pathlib.Path(__file__).resolve().parents[2]))
BUILD = pathlib.Path(os.environ.get("PARKTWIN_BUILD_DIR", SOURCE / "build" / "release"))
HANGZHOU = SOURCE / "assets" / "scenarios" / "hangzhou_4x4" / "scenario.toml"
POLICY = SOURCE / "assets" / "policies" / "hangzhou_4x4_colight"


@pytest.fixture(scope="session")
def hangzhou():
    import parktwin

    return parktwin.Scenario.load(str(HANGZHOU))


@pytest.fixture(scope="session")
def cli():
    path = BUILD / "bin" / "parktwin"
    if not path.exists():
        pytest.skip(f"no parktwin binary at {path}")
    return str(path)

"""The production settings plus a bare view to compare every page with (tests/bench/urls.py)."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"

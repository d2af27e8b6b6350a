"""Generated demo content (see generate.py); the seed itself lives in exchange/seeding.py."""

from .generate import generate_demo

__all__ = ["generate_demo"]

"""Shared machinery: per-clip mapping with caching and parallelism."""

from ._clipwise import map_clips

__all__ = ["map_clips"]

"""Sharded draws: any block of a global random array, on any rank, bitwise the single-device draw."""

from .shards import shard, shard_index

__all__ = ["shard", "shard_index"]

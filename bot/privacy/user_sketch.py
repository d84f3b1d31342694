"""Counting distinct users over any period without keeping who they were.

A HyperLogLog sketch per day (4 KiB) is merged for a period; the estimate is within about 2%.
Sketches hold no user key, so they stay after raw events are deleted and `/forget` has no row
to find in them.
"""

import math

PRECISION = 12
REGISTERS = 1 << PRECISION


def empty() -> bytearray:
    return bytearray(REGISTERS)


def add(sketch: bytearray, user_key: str) -> None:
    """Add a user by their keyed hash (hex): its bits are already uniformly random."""
    value = int(user_key[:16], 16)
    index = value >> (64 - PRECISION)
    rest = value & ((1 << (64 - PRECISION)) - 1)
    rank = (64 - PRECISION) - rest.bit_length() + 1
    if rank > sketch[index]:
        sketch[index] = rank


def merge(sketches: list[bytes]) -> bytearray:
    merged = empty()
    for sketch in sketches:
        for index, rank in enumerate(sketch):
            if rank > merged[index]:
                merged[index] = rank
    return merged


def estimate(sketch: bytes | bytearray) -> int:
    alpha = 0.7213 / (1 + 1.079 / REGISTERS)
    raw = alpha * REGISTERS * REGISTERS / sum(2.0**-rank for rank in sketch)
    zeros = sketch.count(0)
    if raw <= 2.5 * REGISTERS and zeros:
        return round(REGISTERS * math.log(REGISTERS / zeros))
    return round(raw)

"""Integer codes in the smallest integer type that holds them (memory at millions of rows).

Ingest's group and rank codes, reliability's combined keys and row orders, and the outcome
statistics' category codes are held in one, two or four bytes where that suffices, not eight.
"""

from __future__ import annotations

import numpy as np

__all__ = ["in_smallest_type", "smallest_integer_type"]


def smallest_integer_type(size: int, *, signed: bool = False) -> np.dtype:
    """The smallest integer type that holds 0 … ``size`` − 1 (and −1 when ``signed``).

    One, two or four bytes, unsigned unless ``signed``; beyond four bytes ``int64``.

    Examples
    --------
    >>> smallest_integer_type(256), smallest_integer_type(257)
    (dtype('uint8'), dtype('uint16'))
    >>> smallest_integer_type(128, signed=True), smallest_integer_type(129, signed=True)
    (dtype('int8'), dtype('int16'))
    >>> smallest_integer_type(2**40)
    dtype('int64')
    """
    for dtype in (np.int8, np.int16, np.int32) if signed else (np.uint8, np.uint16, np.uint32):
        if size - 1 <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def in_smallest_type(codes: np.ndarray, size: int | None = None, *, signed: bool = False) -> np.ndarray:
    """``codes`` (0 … ``size`` − 1) in :func:`smallest_integer_type`, without a copy when they are
    of that type already; ``size`` defaults to the largest code + 1.

    Examples
    --------
    >>> in_smallest_type(np.array([0, 3, 200])).dtype
    dtype('uint8')
    >>> in_smallest_type(np.array([0, 3, 200]), signed=True).dtype
    dtype('int16')
    """
    if size is None:
        size = int(codes.max()) + 1 if codes.size else 1
    return codes.astype(smallest_integer_type(size, signed=signed), copy=False)

"""Memory a long-lived process no longer uses, handed back to the operating system.

``evaluate`` ingests in its own process and then stays alive while the report kernels run beside
it. Freed memory is not given back by itself: Arrow's memory pool (mimalloc or jemalloc) and
glibc's ``malloc`` keep their freed pages for reuse. Measured at 1,000,000 participants, the
process held 2.39 GiB after ingest; 1.42 GiB after releasing Arrow's pool; 0.34 GiB after
``malloc_trim`` as well (benchmarks/README.md).
"""

from __future__ import annotations

import ctypes
import gc

import numpy as np

__all__ = ["give_back_freed_memory", "hand_back_large_blocks", "join_releasing"]

#: glibc's ``mallopt`` parameter for the size from which ``malloc`` maps memory of its own, and
#: its default (the value glibc starts from before it raises it as large blocks are freed).
M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES = -3, 128 * 1024


def give_back_freed_memory() -> None:
    """Collect garbage, release Arrow's unused pool memory and trim glibc's heap.

    Changes no result: only freed memory is handed back. Where the C library is not glibc (no
    ``malloc_trim``), that step is skipped.

    Examples
    --------
    >>> give_back_freed_memory()
    """
    gc.collect()
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


def hand_back_large_blocks() -> None:
    """Make glibc's ``malloc`` give every freed block of 128 KiB or more back to the system at once.

    glibc maps a block of at least its threshold (128 KiB to start with) on its own, and unmaps it
    when it is freed; but each time such a block is freed, it raises the threshold to that block's
    size (up to 32 MiB), so that later blocks of that size come from the heap, where what is freed
    stays with the process when a block still in use lies above it. Ingest works in blocks of a
    million answers (arrays of 1 to 8 MiB, some kept, most freed at once): with the threshold
    raised, at 1,000,000 participants the process held 2.3 GiB more than it used (6.6 GiB at its
    peak, 2.5 GiB at the end with nothing left; benchmarks/README.md). Setting the threshold turns
    the raising off. Changes no result; where the C library is not glibc, nothing is done.

    Examples
    --------
    >>> hand_back_large_blocks()
    """
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc
        return
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


def join_releasing(parts: list[np.ndarray], dtype=None) -> np.ndarray:
    """The arrays of ``parts`` one after another (as :func:`numpy.concatenate`), each dropped from
    ``parts`` once copied, so that the parts and the whole are not all held at once (ingest's
    answer codes at 10⁸ answers: a gigabyte). ``dtype``: the result's (default: the parts' common
    type).

    Examples
    --------
    >>> parts = [np.array([1, 2], dtype=np.uint8), np.array([300], dtype=np.uint16)]
    >>> join_releasing(parts), parts
    (array([  1,   2, 300], dtype=uint16), [])
    """
    out = np.empty(sum(len(p) for p in parts), dtype=np.result_type(*parts) if dtype is None else dtype)
    done = 0
    while parts:
        part = parts.pop(0)
        out[done:done + len(part)] = part
        done += len(part)
    return out

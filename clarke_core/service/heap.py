"""The process's malloc settings, shared by the server (serve.py) and the test process.

A worker forked with ``sandbox.run(..., method="fork")`` (the command line) inherits its parent's
address space, and its memory cap (``RLIMIT_AS``) counts it. Thread arenas are reserved address
space that glibc never gives back (64 MB each, up to eight per core): a process that ran many
threads, the server or a test process, would leave its forked workers little room under the cap.
"""

from __future__ import annotations

import ctypes


def steady_heap() -> None:
    """Keep the server's heap from ratcheting up under big, short-lived buffers.

    A figure's HTML download is about 5 MB. glibc serves such blocks from mmap and returns them
    when freed, but it raises its mmap threshold each time one is freed (up to 32 MB), so the
    next ones come from the heap, which Streamlit's many threads split into many arenas that
    are not given back. A fixed threshold (which turns the raising off) and two arenas keep
    the greedy downloader of the load probe from growing the server. Not glibc: nothing."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    m_arena_max, m_mmap_threshold = -8, -3  # from <malloc.h>
    libc.mallopt(m_mmap_threshold, 256 * 1024)
    libc.mallopt(m_arena_max, 2)

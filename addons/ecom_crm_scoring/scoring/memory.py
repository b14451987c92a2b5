"""The C allocator's part of the job's memory (glibc's ``mallopt`` and ``malloc_trim``), apart from
the engine so that the Odoo job sets it before it imports the engine's libraries."""

import ctypes

# glibc's mallopt parameters, the size from which an array gets memory of its own from the system,
# and the free memory a heap keeps at its top before it is given back (see :func:`bound_memory`)
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 4 * 1024 * 1024
TRIM_THRESHOLD = 64 * 1024 * 1024


def bound_memory():
    """Have every block of :data:`MMAP_THRESHOLD` bytes and more (an array of 700,000 floats is
    5.6 MB) mapped from the system on its own and given back the moment it is freed. By default
    glibc raises that threshold to the size of each mapped block freed, up to 32 MB, after which
    such arrays come from the heaps of the threads that asked, where the holes they leave keep
    the process's memory high: on the 1M demo store the nights peaked at 1,370-1,543 MB, and at
    1,298-1,357 MB with the threshold fixed. Fixing it also fixes the threshold above which the
    free top of a heap goes back to the system at its default, 128 KB: every smaller temporary
    freed at the top then went back and came again as fresh pages (BG/NBD's quadrature 0.45 →
    0.97 s, each night 1-2 s slower), hence :data:`TRIM_THRESHOLD` (the job gives the heaps back
    between its steps itself: :func:`release_memory`). For the whole process (the job's Odoo
    worker); glibc only, elsewhere nothing happens. Returns whether the thresholds were set."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) and libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    except (OSError, AttributeError):
        return False


def release_memory():
    """Give the memory the C allocator keeps for reuse (in each thread's arena: the arrays of a few
    megabytes the steps free) back to the system, so that the next step's peak starts lower.
    glibc only; elsewhere nothing happens."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass

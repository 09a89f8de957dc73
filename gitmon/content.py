"""Is this content something a reviewer can read? One answer for every reader of blobs.

Routing by content (`routing.signal_blobs`), the review (`sources.read_contents`) and the
hook's fast path (`fastroute`, `prelaunch`) all skip the same files: over the policy's
max_file_size, or binary (git's own test: a NUL byte in the first 8 KiB). No imports:
the hook asks before anything heavy is loaded.
"""

from __future__ import annotations

SNIFF = 8192      # how much of a file git looks at to call it binary


def huge(size: int, max_size: int) -> str | None:
    """Why a file of this size is not read (None: it is small enough)."""
    return f"huge: {size} bytes > max_file_size {max_size}" if size > max_size else None


def binary(data: bytes) -> str | None:
    """Why this content is not reviewed as text (None: it is text)."""
    return "binary: a NUL byte in the first 8 KiB" if b"\0" in data[:SNIFF] else None


def readable(data: bytes, max_size: int) -> bool:
    return huge(len(data), max_size) is None and binary(data) is None

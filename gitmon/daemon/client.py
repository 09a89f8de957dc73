"""The hook asks a running daemon about content the daemon already reviewed.

Import-light (socket, json and builtin modules only): the hook's fast path may call it before the
rest of gitmon is loaded. One request per connection, one JSON line each way, of two kinds.

The engine's matches per file (the full review path asks, `review.EngineLink`):

    -> {"policy": DIGEST, "files": [[path, blob id, rule-set digest], ...]}
    <- {"status": "ok", "files": {path: [match, ...]}}     only the files it reviewed
    <- {"status": "stale"}                                  another policy than ours

The rule-set digest is the review cache's (`RuleSet.digest` of the file's reviewers), the
blob id git's for the content: the daemon answers a file only when it scanned exactly
that content with exactly those rules.

The whole staged review (the hook's fast path asks, before it starts semgrep):

    -> {"kind": "staged", "argv": HOOK_ARGS, "policy_text": TEXT, "origin": ...,
        "index_file": PATH, "index_stat": [inode, size, mtime ns],
        "names": [[status, path], ...], "routed": [path, ...], "colour": bool,
        "semgrep": GITMON_SEMGREP}
    <- {"status": "ok", "exit": CODE, "text": TEXT, "record": RECORD}
    <- {"status": "miss" | "stale"}

The daemon reads the hook's index file (`index_file`) while it is the very file the hook
saw (`index_stat`, before and after its review: git replaces an index whole, never in
place), sees the same staged names, and answers only under the same policy with every
routed file's matches in hand (see `daemon/staged.py`). The daemon writes nothing: the
hook writes the record it is sent, so one review makes exactly one record whether the
answer arrives or not.

No daemon, a stale one, a socket that is not the user's own, a timeout or any error:
None, and the caller reviews by itself.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import time

TYPE_CHECKING = False   # `import typing` costs ~7 ms on the hook's path
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeGuard

    from gitmon.record import Record

TIMEOUT = 0.2          # seconds for the whole exchange: past that the hook scans by itself
MAX_REPLY = 16 << 20   # bytes: a reply beyond this is not the daemon's
STAGED_TIMEOUT = 0.5   # a whole review from the cache; past that the hook reviews by itself
SOCKET_NAME = "daemon.sock"


def socket_path(git_dir: str) -> str:
    return os.path.join(git_dir, "gitmon", SOCKET_NAME)


def policy_digest(text: str) -> str:
    """The policy as the daemon and the hook both read it: its text."""
    import hashlib  # here: the fast path's staged question sends raw text, never a digest

    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def blob_id(content: bytes) -> str:
    """git's id of content as a blob (SHA-1 repositories; elsewhere it only never matches)."""
    import hashlib

    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def is_own_socket(path: str) -> bool:
    """A socket (not a link to one) owned by this user: nothing else is asked or trusted."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISSOCK(info.st_mode) and info.st_uid == os.getuid()


def ask(git_dir: str, policy: str, files: list[list[str]],
        timeout: float = TIMEOUT) -> dict[str, list[dict[str, object]]] | None:
    """The daemon's matches per file it covers; None: ask nobody, review by yourself."""
    reply = _request(git_dir, {"policy": policy, "files": files}, timeout) if files else None
    if reply is None:
        return None
    served = reply.get("files")
    if not isinstance(served, dict):
        return None
    wanted = {f[0] for f in files}
    return {p: m for p, m in served.items()
            if p in wanted and isinstance(m, list) and all(_is_match(x) for x in m)}


def staged(git_dir: str, request: dict[str, object], timeout: float = STAGED_TIMEOUT,
           meanwhile: Callable[[], None] | None = None) -> tuple[int, str, Record] | None:
    """(exit code, text, record) of the daemon's review of the staged change; None: review
    by yourself (no daemon, a stale or busy one, a miss, any error). `meanwhile` runs
    while the daemon reviews."""
    reply = _request(git_dir, {**request, "kind": "staged"}, timeout, meanwhile)
    if reply is None:
        return None
    code, text, record = reply.get("exit"), reply.get("text"), reply.get("record")
    if type(code) is not int or not isinstance(text, str) or not _is_staged_record(record):
        return None
    return code, text, record


def _is_staged_record(record: object) -> TypeGuard[Record]:
    """A pre-commit record of the index whose id can name its file (nothing else is written)."""
    if not isinstance(record, dict) or not isinstance(record.get("change"), dict):
        return False
    rid = record.get("id")
    return (isinstance(rid, str) and rid.replace("-", "").isalnum() and rid.isascii()
            and record.get("source") == "pre-commit" and record["change"].get("kind") == "staged")


class Link:
    """The hook's side of `review.EngineLink`: it asks, and remembers nothing."""

    def __init__(self, git_dir: str, policy: str) -> None:
        self.git_dir, self.policy = git_dir, policy

    def ask(self, files: dict[str, tuple[str, str]]) -> dict[str, list[dict[str, object]]]:
        return ask(self.git_dir, self.policy, [[p, b, r] for p, (b, r) in files.items()]) or {}

    def remember(self, path: str, blob: str, rules: str,
                 matches: list[dict[str, object]]) -> None:
        pass


# an engine match as `engines.output.Match` has it: a reply of another shape is no answer
MATCH_FIELDS = {"rule": str, "line": int, "end_line": int, "column": int, "end_column": int,
                "severity": str, "message": str}


def _is_match(item: object) -> bool:
    return isinstance(item, dict) and item.keys() == MATCH_FIELDS.keys() and all(
        type(item[k]) is t for k, t in MATCH_FIELDS.items())


def _request(git_dir: str, request: dict[str, object], timeout: float,
             meanwhile: Callable[[], None] | None = None) -> dict[str, object] | None:
    """The daemon's "ok" reply; None: no daemon (or not the user's own socket), any
    error, or another answer (stale, miss)."""
    path = socket_path(git_dir)
    if not is_own_socket(path):
        return None
    try:
        reply = _exchange(path, request, timeout, meanwhile)
    except (OSError, ValueError):
        return None
    return reply if isinstance(reply, dict) and reply.get("status") == "ok" else None


def _exchange(path: str, request: dict[str, object], timeout: float,
              meanwhile: Callable[[], None] | None = None) -> object:
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        sock.sendall(json.dumps(request).encode() + b"\n")
        sock.shutdown(socket.SHUT_WR)
        if meanwhile is not None:
            meanwhile()
        chunks, size = [], 0
        while True:    # the deadline is the whole exchange's, not each read's
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the daemon did not answer in time")
            sock.settimeout(left)
            chunk = sock.recv(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_REPLY:
                raise ValueError("reply too large")
    return json.loads(b"".join(chunks))

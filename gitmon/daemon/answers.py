"""The daemon's side of `client.py`: what it scanned, and the socket the hook asks it on.

Each review tells `Answers` the engine's matches per (path, blob id, rule-set digest) it
scanned or took from the cache; the hook's `check --staged` asks for its staged files
and takes what is there, or its fast path asks for the whole staged review (`staged.py`;
see `client.py` for the exchange). The socket lives in
`<git dir>/gitmon/`, mode 0600; a path there that is a link or another user's is
refused (the daemon then serves nobody, and says so), never followed or removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from gitmon.daemon import client

MAX_ENTRIES = 20_000       # the review cache's bound: memory stays flat
MAX_REQUEST = 4 << 20      # bytes
Key = tuple[str, str, str]  # (path, blob id, rule-set digest)


class Answers:
    """Matches of content the daemon reviewed, newest kept; thread-safe."""

    def __init__(self, policy: Callable[[], str | None]) -> None:
        self.policy = policy            # the digest of the policy in use; None: broken
        self._lock = threading.Lock()
        self._entries: OrderedDict[Key, list[dict[str, Any]]] = OrderedDict()
        self.served = 0

    def ask(self, files: dict[str, tuple[str, str]]) -> dict[str, list[dict[str, Any]]]:
        return {}                       # the daemon's own reviews never ask itself

    def remember(self, path: str, blob: str, rules: str, matches: list[dict[str, Any]]) -> None:
        with self._lock:
            self._entries[(path, blob, rules)] = matches
            self._entries.move_to_end((path, blob, rules))
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)

    def lookup(self, files: list[Any]) -> dict[str, list[dict[str, Any]]]:
        """The matches of each [path, blob id, rule-set digest] it has (others ignored)."""
        found: dict[str, list[dict[str, Any]]] = {}
        with self._lock:
            for item in files:
                if isinstance(item, list) and len(item) == 3 and all(
                        isinstance(x, str) for x in item):
                    hit = self._entries.get((item[0], item[1], item[2]))
                    if hit is not None:
                        found[item[0]] = hit
            self.served += len(found)
        return found

    def knows(self, files: list[tuple[str, str]]) -> bool:
        """Whether it reviewed each (path, blob id), with whatever rules."""
        with self._lock:
            seen = {(path, blob) for path, blob, _ in self._entries}
        return all(f in seen for f in files)

    def answer(self, request: Any) -> dict[str, Any]:
        policy = self.policy()
        if not isinstance(request, dict) or policy is None or request.get("policy") != policy:
            return {"status": "stale"}
        files = request.get("files")
        return {"status": "ok", "files": self.lookup(files if isinstance(files, list) else [])}


class Memory:
    """The daemon's answers as its own review for the hook asks them (`staged.py`): what
    it reviewed is served, nothing is added."""

    def __init__(self, answers: Answers) -> None:
        self.answers = answers

    def ask(self, files: dict[str, tuple[str, str]]) -> dict[str, list[dict[str, Any]]]:
        return self.answers.lookup([[p, b, r] for p, (b, r) in files.items()])

    def remember(self, path: str, blob: str, rules: str, matches: list[dict[str, Any]]) -> None:
        pass


class Server:
    """One thread accepting the hook's connections, one short exchange each."""

    def __init__(self, git_dir: str, answers: Answers, warn: Callable[[str], None],
                 staged: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> None:
        self.path = client.socket_path(git_dir)
        self.answers, self.warn, self.staged = answers, warn, staged
        self._sock: socket.socket | None = None

    @property
    def listening(self) -> bool:
        return self._sock is not None

    def start(self) -> bool:
        try:
            self._sock = self._bind()
        except OSError as exc:
            self.warn(f"the hook cannot ask this daemon: {exc}")
            return False
        threading.Thread(target=self._serve, name="gitmon-answers", daemon=True).start()
        return True

    def stop(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)    # wakes the thread in accept()
            self._sock.close()
            self._sock = None
            with contextlib.suppress(OSError):
                if client.is_own_socket(self.path):
                    os.unlink(self.path)

    def _bind(self) -> socket.socket:
        folder = os.path.dirname(self.path)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if os.path.islink(folder) or os.stat(folder).st_uid != os.getuid():
            raise OSError(f"{folder} is a link or not yours: not listening there")
        if os.path.lexists(self.path):
            if not client.is_own_socket(self.path):
                raise OSError(f"{self.path} exists and is not this user's socket: remove it")
            os.unlink(self.path)        # a dead daemon's (we hold the daemon lock)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)           # owner-only from the first moment, not after chmod
        try:
            sock.bind(self.path)
        finally:
            os.umask(old)
        os.chmod(self.path, 0o600)
        sock.listen(16)
        return sock

    def _serve(self) -> None:
        while self._sock is not None:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return                  # closed: the daemon stops
            with conn, contextlib.suppress(OSError, ValueError):
                self._one(conn)

    def _one(self, conn: socket.socket) -> None:
        conn.settimeout(client.TIMEOUT)
        data = b""
        while len(data) <= MAX_REQUEST and not data.endswith(b"\n"):
            chunk = conn.recv(1 << 16)
            if not chunk:
                break
            data += chunk
        request = json.loads(data) if len(data) <= MAX_REQUEST else None
        if isinstance(request, dict) and request.get("kind") == "staged":
            reply = self.staged(request) if self.staged else {"status": "miss"}
        else:
            reply = self.answers.answer(request)
        conn.sendall(json.dumps(reply).encode() + b"\n")

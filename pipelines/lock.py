"""A lock with expiry on an output folder, so overlapping scheduled runs never publish at once.

The lock is a JSON file created with O_EXCL. A holder refreshes its expiry while it works; a lock
whose expiry passed, or whose holder process on this host is gone, is stale and may be taken over.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from schemas.errors import ConcurrentRunError

LOCK_NAME = ".lakesift.lock"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class OutputLock:
    """Exclusive lock on ``folder``; use as a context manager."""

    folder: Path
    ttl_seconds: float = 3600.0
    wait_seconds: float = 0.0
    poll_seconds: float = 0.5

    @property
    def path(self) -> Path:
        return self.folder / LOCK_NAME

    def _body(self) -> dict[str, Any]:
        return {"pid": os.getpid(), "host": socket.gethostname(), "expires": time.time() + self.ttl_seconds}

    def _try_create(self) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w") as fh:
            json.dump(self._body(), fh)
        return True

    def holder(self) -> dict[str, Any] | None:
        try:
            return dict(json.loads(self.path.read_text()))
        except (OSError, ValueError):
            return None

    def _stale(self, info: dict[str, Any] | None) -> bool:
        if info is None:
            return True
        if float(info.get("expires", 0)) < time.time():
            return True
        same_host = info.get("host") == socket.gethostname()
        return same_host and not _pid_alive(int(info.get("pid", -1)))

    def acquire(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.wait_seconds
        while True:
            if self._try_create():
                return
            info = self.holder()
            if self._stale(info):
                self._break(info)
                continue
            if time.monotonic() >= deadline:
                raise ConcurrentRunError(
                    f"another run holds the lock on {self.folder} "
                    f"(pid {info.get('pid') if info else '?'} on {info.get('host') if info else '?'}); "
                    "retry later or pass --wait SECONDS"
                )
            time.sleep(self.poll_seconds)

    def _break(self, info: dict[str, Any] | None) -> None:
        if self.holder() == info:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass

    def refresh(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._body()))
        os.replace(tmp, self.path)

    def release(self) -> None:
        info = self.holder()
        if info and info.get("pid") == os.getpid() and info.get("host") == socket.gethostname():
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

"""Crash points for fault-injection tests.

Setting ``LAKESIFT_CRASH_AT`` to a point's name makes the process kill itself with SIGKILL when it
reaches that point, exactly as an out-of-memory kill or a node loss would. Unset in normal use.
"""

from __future__ import annotations

import os
import signal

ENV = "LAKESIFT_CRASH_AT"
POINTS = ("after_stage", "after_data_parts", "after_manifest", "before_current")


def crash_point(name: str) -> None:
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)

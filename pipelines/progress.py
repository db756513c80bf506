"""Progress per stage: a rich display on a terminal, structured JSON log lines otherwise."""

from __future__ import annotations

import json
import sys
import time
from typing import Any, TextIO


class Reporter:
    """Shows what the runner is doing. ``interactive`` defaults to whether stderr is a terminal."""

    def __init__(self, stream: TextIO | None = None, interactive: bool | None = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty() if interactive is None else interactive
        self.quiet = quiet
        self._console: Any = None
        if self.interactive and not quiet:
            from rich.console import Console

            self._console = Console(file=self.stream, highlight=False)

    def event(self, event: str, **fields: Any) -> None:
        if self.quiet:
            return
        if self._console is not None:
            self._console.print(self._pretty(event, fields))
            return
        record = {"ts": round(time.time(), 3), "event": event, **fields}
        self.stream.write(json.dumps(record, default=str, sort_keys=True) + "\n")
        self.stream.flush()

    @staticmethod
    def _pretty(event: str, fields: dict[str, Any]) -> str:
        step = fields.get("step", "")
        if event == "stage_start":
            return f"[bold cyan]▶[/] {fields.get('index')}/{fields.get('total')} [bold]{step}[/] ({fields.get('op', '')})"
        if event == "stage_done":
            rows = ", ".join(f"{k}={v:,}" for k, v in (fields.get("rows") or {}).items())
            return f"  [green]✓[/] {step} in {fields.get('seconds', 0):.1f}s  {rows}"
        if event == "stage_reused":
            return f"  [yellow]↺[/] {step}: reused completed stage"
        if event == "progress":
            done, total = fields.get("done"), fields.get("total")
            frac = f" {done}/{total}" if done is not None and total else ""
            return f"    … {step}: {fields.get('message', '')}{frac}"
        details = " ".join(f"{k}={v}" for k, v in fields.items())
        return f"[dim]{event}[/] {details}"

    def stage_progress(self, step: str) -> Any:
        def report(message: str, done: int | None = None, total: int | None = None) -> None:
            self.event("progress", step=step, message=message, done=done, total=total)

        return report

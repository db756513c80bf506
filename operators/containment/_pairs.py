"""The candidate-pair frame that flows between the containment stages, and its Python form.

One row per schema-compatible ordered pair (``parent`` may contain ``child``). ``verdict`` is null
while the pair is undecided; a stage that decides a pair sets ``verdict``, ``stage`` and
``reason`` (``code: detail``; the funnel groups by the code). ``mode``/``tau``/``confidence``/
``semantics`` are set once by ``schema_containment`` and read by the later stages, so the four
stages always judge with the same definition.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAPPING_DDL = (
    "array<struct<norm:string,child_column:string,parent_column:string,"
    "child_type:string,parent_type:string>>"
)
PAIRS_DDL = (
    f"parent string, child string, mapping {MAPPING_DDL}, verdict string, stage string, "
    "reason string, degree double, rows_checked long, bytes_read long, sample_rows long, "
    "sample_hits long, exact boolean, mode string, tau double, confidence double, semantics string"
)


@dataclass
class ColumnMatch:
    """One child column and the parent column it is compared with."""

    norm: str
    child_column: str
    parent_column: str
    child_type: str
    parent_type: str


@dataclass
class Pair:
    """A candidate pair and what the stages found out about it."""

    parent: str
    child: str
    mapping: list[ColumnMatch]
    verdict: str | None = None
    stage: str | None = None
    reason: str | None = None
    degree: float | None = None
    rows_checked: int = 0
    bytes_read: int = 0
    sample_rows: int | None = None
    sample_hits: int | None = None
    exact: bool = True
    mode: str = "exact"
    tau: float = 1.0
    confidence: float = 0.95
    semantics: str = "set"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.parent, self.child)

    @property
    def pending(self) -> bool:
        return self.verdict is None

    def decide(self, verdict: str, stage: str, reason: str, degree: float | None = None,
               exact: bool = True) -> None:
        self.verdict, self.stage, self.reason, self.exact = verdict, stage, reason, exact
        if degree is not None:
            self.degree = degree

    def to_row(self) -> dict[str, Any]:
        row = asdict(self)
        row.pop("extra")
        return row


def pair_from_row(row: dict[str, Any]) -> Pair:
    data = dict(row)
    data["mapping"] = [ColumnMatch(**m) for m in data["mapping"]]
    return Pair(**data)


def reason_code(reason: str | None) -> str:
    return (reason or "").split(":", 1)[0]


def pairs_to_frame(spark: Any, pairs: list[Pair]) -> Any:
    from operators.containment._frames import rows_to_frame

    return rows_to_frame(spark, [p.to_row() for p in pairs], PAIRS_DDL)


def pairs_from_frame(df: Any) -> list[Pair]:
    from operators.containment._frames import frame_rows

    return [pair_from_row(r) for r in frame_rows(df)]

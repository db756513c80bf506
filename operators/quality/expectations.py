"""Table expectations as a stage: checks run through Great Expectations; failing rows of
quarantined row-level checks move to ``rejects``; failed ``error`` checks fail the step.

Outputs: ``main`` (the input minus quarantined rows), ``rejects`` (quarantined rows with
``_reject_reason = "expectation:<name>"``, only when a check quarantines) and
``quality_results``: one row per expectation, in recipe order, with the columns of
:data:`RESULT_DDL`::

    expectation (name), type, column (null for table checks), severity ('warn' | 'error'),
    success, unexpected_count, element_count, mostly, quarantined (rows moved to rejects),
    observed (JSON: table observation, or {"unexpected_percent": x}; never data values)

The same rows as plain dicts are what :func:`lineage_assertions` turns into OpenLineage
``DataQualityAssertionsDatasetFacet`` assertions (``{"assertion", "success", "column"}``), and
what :class:`ExpectationsFailed` carries when the step fails.
"""

from __future__ import annotations

from typing import Any, ClassVar

from operators.base import MAIN, REJECT_REASON, REJECTS, Operator, StageContext
from operators.quality._common import TMP_PREFIX
from operators.quality._expectation_models import (
    ROW_LEVEL,
    Between,
    ExpectationsConfig,
    InSet,
    NotNull,
    Regex,
    Unique,
)
from operators.quality._gx import RESULT_DDL, run_expectations
from operators.registry import register
from schemas.errors import Problem, UserError

QUALITY_RESULTS = "quality_results"
REASON_PREFIX = "expectation:"


class ExpectationsFailed(UserError):
    """One or more ``error`` expectations failed; ``results`` holds every check's result."""

    def __init__(
        self, message: str, problems: list[Problem], results: list[dict[str, Any]]
    ) -> None:
        super().__init__(message, problems)
        self.results = results


def lineage_assertions(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenLineage DataQualityAssertionsDatasetFacet ``assertions`` from result rows."""
    return [
        {"assertion": r["expectation"], "success": bool(r["success"]), "column": r["column"]}
        for r in results
    ]


def _failing_rows(e: Any, df: Any) -> Any:
    """Predicate true on rows a row-level expectation counts as unexpected (nulls only fail
    not_null, as in Great Expectations)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    col = F.col("`" + e.column.replace("`", "``") + "`")
    if isinstance(e, NotNull):
        return col.isNull()
    if isinstance(e, Unique):
        return col.isNotNull() & (F.count(F.lit(1)).over(Window.partitionBy(col)) > 1)
    if isinstance(e, Between):
        low = col < F.lit(e.min) if e.min is not None else F.lit(False)
        high = col > F.lit(e.max) if e.max is not None else F.lit(False)
        return col.isNotNull() & (low | high)
    if isinstance(e, InSet):
        return col.isNotNull() & ~col.isin(*e.values)
    if isinstance(e, Regex):
        return col.isNotNull() & ~col.rlike(e.pattern)
    raise TypeError(f"{type(e).__name__} is not a row-level expectation")


def _blocking(e: Any, result: dict[str, Any]) -> bool:
    """Does this result fail the step? Quarantined checks only when 'mostly' is exceeded."""
    if e.severity != "error" or result["success"]:
        return False
    return not getattr(e, "quarantine", False) or e.mostly is not None


def _failure(
    step: str, blocking: list[dict[str, Any]], results: list[dict[str, Any]]
) -> ExpectationsFailed:
    problems = [
        Problem(
            f"failed: {r['unexpected_count']} of {r['element_count']} rows unexpected"
            if r["element_count"] is not None
            else f"failed: observed {r['observed']}",
            where=f"step '{step}' expectation '{r['expectation']}'",
        )
        for r in blocking
    ]
    names = ", ".join(r["expectation"] for r in blocking)
    return ExpectationsFailed(f"step '{step}': expectations failed: {names}", problems, results)


@register
class Expectations(Operator):
    """Checks a table with Great Expectations. Keeps every row except those a quarantined
    check rejects (moved to ``rejects``); fails the step, after running all checks, when an
    ``error`` check fails. A ``unique`` quarantine shuffles (window per value); otherwise no
    shuffle. Side output ``quality_results``.
    """

    name = "expectations"
    kind = "stage"
    accounting = "filter"
    config_model = ExpectationsConfig
    example_config: ClassVar[dict[str, Any]] = {
        "expectations": [{"type": "not_null", "column": "id", "severity": "error"}]
    }

    def run(self, df: Any, ctx: StageContext) -> Any:
        c: ExpectationsConfig = self.config  # type: ignore[assignment]
        ctx.report(f"checking {len(c.expectations)} expectations")
        results = run_expectations(df, list(c.expectations), ctx.step)
        outputs = self._quarantine(df, c, results, ctx)
        blocking = [r for e, r in zip(c.expectations, results) if _blocking(e, r)]
        if blocking:
            raise _failure(ctx.step, blocking, results)
        outputs[QUALITY_RESULTS] = df.sparkSession.createDataFrame(results, RESULT_DDL)
        return outputs

    def _quarantine(
        self, df: Any, c: ExpectationsConfig, results: list[dict[str, Any]], ctx: StageContext
    ) -> dict[str, Any]:
        from pyspark.sql import functions as F

        held = [
            (e, r)
            for e, r in zip(c.expectations, results)
            if isinstance(e, ROW_LEVEL) and e.quarantine and e.column in df.columns
        ]
        if not held:
            return {MAIN: df}
        reason_col = TMP_PREFIX + "expectation"
        reason = F.coalesce(
            *[
                F.when(_failing_rows(e, df), F.lit(REASON_PREFIX + e.display_name()))
                for e, _ in held
            ]
        )
        flagged = ctx.persist("quarantine_flags", lambda: df.withColumn(reason_col, reason))
        counts = dict(
            flagged.where(F.col(reason_col).isNotNull()).groupBy(reason_col).count().collect()
        )
        for e, r in held:
            r["quarantined"] = int(counts.get(REASON_PREFIX + e.display_name(), 0))
        main = flagged.where(F.col(reason_col).isNull()).drop(reason_col)
        rejects = (
            flagged.where(F.col(reason_col).isNotNull())
            .withColumn(REJECT_REASON, F.col(reason_col))
            .drop(reason_col)
        )
        return {MAIN: main, REJECTS: rejects}

"""Running expectations through Great Expectations (1.x, ephemeral context, Spark data source)."""

from __future__ import annotations

import json
import logging
from typing import Any

from operators.quality._expectation_models import (
    Between,
    ColumnSet,
    InSet,
    NotNull,
    Regex,
    RowCountBetween,
    Unique,
)

RESULT_DDL = (
    "expectation string, type string, column string, severity string, success boolean, "
    "unexpected_count long, element_count long, mostly double, quarantined long, observed string"
)


def _gx_expectation(e: Any) -> Any:
    import great_expectations.expectations as gxe

    mostly = {"mostly": e.mostly} if getattr(e, "mostly", None) is not None else {}
    if isinstance(e, NotNull):
        return gxe.ExpectColumnValuesToNotBeNull(column=e.column, **mostly)
    if isinstance(e, Unique):
        return gxe.ExpectColumnValuesToBeUnique(column=e.column, **mostly)
    if isinstance(e, Between):
        return gxe.ExpectColumnValuesToBeBetween(
            column=e.column, min_value=e.min, max_value=e.max, **mostly
        )
    if isinstance(e, InSet):
        return gxe.ExpectColumnValuesToBeInSet(column=e.column, value_set=list(e.values), **mostly)
    if isinstance(e, Regex):
        return gxe.ExpectColumnValuesToMatchRegex(column=e.column, regex=e.pattern, **mostly)
    if isinstance(e, RowCountBetween):
        return gxe.ExpectTableRowCountToBeBetween(min_value=e.min, max_value=e.max)
    if isinstance(e, ColumnSet):
        return gxe.ExpectTableColumnsToMatchSet(column_set=list(e.columns), exact_match=e.exact)
    raise TypeError(f"unsupported expectation {type(e).__name__}")


def _batch(df: Any, step: str) -> Any:
    """A GX batch over ``df`` in a fresh ephemeral context with progress bars off."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    source = context.data_sources.add_spark(name=f"lakesift_{step}", persist=False)
    asset = source.add_dataframe_asset(name=step)
    definition = asset.add_batch_definition_whole_dataframe(name="whole_table")
    return definition.get_batch(batch_parameters={"dataframe": df})


def _observed(result: dict[str, Any]) -> str | None:
    """What was seen, without data values (results go to lineage): table observations or the
    share of unexpected rows."""
    if "observed_value" in result:
        return json.dumps(result["observed_value"], default=str)
    if result.get("unexpected_percent") is not None:
        return json.dumps({"unexpected_percent": round(float(result["unexpected_percent"]), 6)})
    return None


def _row(e: Any, outcome: Any) -> dict[str, Any]:
    result = dict(outcome.result or {})
    exception = (outcome.exception_info or {}).get("exception_message")
    return {
        "expectation": e.display_name(),
        "type": e.type,
        "column": getattr(e, "column", None),
        "severity": e.severity,
        "success": bool(outcome.success),
        "unexpected_count": result.get("unexpected_count"),
        "element_count": result.get("element_count"),
        "mostly": getattr(e, "mostly", None),
        "quarantined": None,
        "observed": json.dumps({"error": exception}) if exception else _observed(result),
    }


def run_expectations(df: Any, expectations: list[Any], step: str) -> list[dict[str, Any]]:
    """Validate every expectation on ``df`` (all of them, whatever fails) and return one plain
    result dict per expectation, in the order given (shape: :data:`RESULT_DDL`).

    All checks go to GX as one suite, so it computes their metrics together."""
    import great_expectations as gx

    batch = _batch(df, step)
    checks = [_gx_expectation(e) for e in expectations]
    outcome = batch.validate(gx.ExpectationSuite(name=f"lakesift_{step}", expectations=checks))
    results = list(outcome.results)
    if [r.expectation_config.type for r in results] != [c.expectation_type for c in checks]:
        results = [batch.validate(c) for c in checks]  # order not kept: validate one by one
    return [_row(e, r) for e, r in zip(expectations, results)]

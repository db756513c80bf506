"""The expectations stage: GX results, warn vs error, quarantine into rejects."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from operators.base import MAIN, REJECT_REASON, REJECTS, StageContext
from operators.quality.expectations import ExpectationsFailed, lineage_assertions
from operators.registry import get_operator
from schemas.errors import UserError

ROWS = [
    # id, score, lang, email
    (1, 0.5, "en", "a@example.org"),
    (2, 0.9, "en", "b@example.org"),
    (3, 1.7, "de", "not-an-email"),  # score out of [0, 1]
    (4, None, "xx", "d@example.org"),  # null score; lang not allowed
    (5, 0.1, "en", None),  # null email
    (5, 0.2, "fr", "f@example.org"),  # duplicate id
]
DDL = "id int, score double, lang string, email string"


def _run(spark: Any, expectations: list[dict[str, Any]]) -> dict[str, Any]:
    df = spark.createDataFrame(ROWS, DDL)
    stage = get_operator("expectations")({"expectations": expectations})
    return stage.run(df, StageContext(step="checks", spark=spark))


def _results(outputs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["expectation"]: r.asDict() for r in outputs["quality_results"].collect()}


def test_error_expectation_fails_after_running_all_checks(spark: Any) -> None:
    checks = [
        {"type": "not_null", "column": "email", "severity": "error"},
        {"type": "unique", "column": "id", "name": "ids_unique", "severity": "error"},
        {"type": "row_count_between", "min": 1, "max": 100, "severity": "error"},
        {"type": "in_set", "column": "lang", "values": ["en", "de", "fr"], "severity": "warn"},
    ]
    with pytest.raises(ExpectationsFailed) as caught:
        _run(spark, checks)
    err = caught.value
    assert isinstance(err, UserError) and err.exit_code == 2
    text = str(err)
    assert "not_null_email" in text and "1 of 6 rows" in text
    assert "ids_unique" in text and "2 of 6 rows" in text  # both rows holding id 5
    assert "row_count_between" not in text and "in_set_lang" not in text
    by_name = {r["expectation"]: r for r in err.results}
    assert len(by_name) == 4 and by_name["in_set_lang"]["success"] is False  # the warn ran too
    assert by_name["row_count_between"]["success"] is True


def test_warn_expectations_record_results_without_failing(spark: Any) -> None:
    checks = [
        {"type": "between", "column": "score", "min": 0, "max": 1, "severity": "warn"},
        {"type": "regex", "column": "email", "pattern": "^[^@]+@[^@]+$", "severity": "warn"},
        {"type": "not_null", "column": "score", "severity": "warn", "mostly": 0.8},
        {"type": "column_set", "columns": ["id", "score", "lang", "email"], "severity": "error"},
    ]
    outputs = _run(spark, checks)
    assert set(outputs) == {MAIN, "quality_results"} and outputs[MAIN].count() == len(ROWS)
    results = _results(outputs)
    between = results["between_score"]
    assert (between["success"], between["unexpected_count"], between["element_count"]) == (
        False,
        1,
        6,
    )
    assert between["severity"] == "warn" and between["column"] == "score"
    assert results["regex_email"]["unexpected_count"] == 1  # nulls are not checked
    # 1 null of 6 -> 83% non-null >= 80%.
    assert (
        results["not_null_score"]["success"] is True and results["not_null_score"]["mostly"] == 0.8
    )
    assert results["column_set"]["success"] is True
    assert set(json.loads(results["column_set"]["observed"])) == {"id", "score", "lang", "email"}
    assertions = lineage_assertions(list(results.values()))
    assert {"assertion": "between_score", "success": False, "column": "score"} in assertions


def test_quarantined_rows_move_to_rejects(spark: Any) -> None:
    checks = [
        {"type": "in_set", "column": "lang", "values": ["en", "de", "fr"], "quarantine": True},
        {
            "type": "between",
            "column": "score",
            "min": 0,
            "max": 1,
            "quarantine": True,
            "name": "score_range",
        },
    ]
    outputs = _run(spark, checks)
    rejects = {r["id"]: r[REJECT_REASON] for r in outputs[REJECTS].collect()}
    assert rejects == {4: "expectation:in_set_lang", 3: "expectation:score_range"}
    assert sorted(r["id"] for r in outputs[MAIN].collect()) == [1, 2, 5, 5]
    assert REJECT_REASON not in outputs[MAIN].columns
    results = _results(outputs)
    assert results["in_set_lang"]["quarantined"] == 1 and results["score_range"]["quarantined"] == 1
    assert results["score_range"]["success"] is False  # recorded, but quarantine does not fail


def test_quarantine_with_mostly_still_fails_when_too_many_rows_fail(spark: Any) -> None:
    checks = [
        {"type": "in_set", "column": "lang", "values": ["en"], "quarantine": True, "mostly": 0.9}
    ]
    with pytest.raises(ExpectationsFailed, match="in_set_lang"):
        _run(spark, checks)  # 3 of 6 rows are not "en"


@pytest.mark.parametrize(
    "config",
    [
        {"expectations": []},
        {"expectations": [{"type": "not_null"}]},
        {"expectations": [{"type": "between", "column": "x"}]},
        {"expectations": [{"type": "row_count_between", "min": 1, "quarantine": True}]},
        {
            "expectations": [
                {"type": "not_null", "column": "a"},
                {"type": "not_null", "column": "a"},
            ]
        },
        {"expectations": [{"type": "nonsense", "column": "a"}]},
    ],
)
def test_bad_expectation_configs_are_rejected(config: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        get_operator("expectations")(config)

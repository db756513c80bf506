"""Contract tests over every registered operator.

- configs: the example validates, unknown keys are rejected, instances are frozen;
- lazy kinds (transform, filter): ``transform`` starts no Spark job;
- provenance: row-wise operators keep each row's provenance columns untouched, filters only add a
  reason, and every output row still carries provenance.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from operators.base import REJECT_REASON, OpContext, Operator, as_outputs
from operators.registry import DuplicateOperatorError, all_operators, get_operator, register
from schemas.errors import UserError
from schemas.provenance import LIC_RANK, PROVENANCE_COLUMNS, SRC_IDS, SRC_REF

OPERATORS = all_operators()
LAZY = {n: c for n, c in OPERATORS.items() if c.kind in ("transform", "filter")}
TEXT = ("The quick brown fox jumps over the lazy dog. " * 12).strip()
PROV_DDL = "_src_ids array<string>, _src_ref string, _lic_rank int, _lic_spdx string, _lic_attr boolean, _lic_sa boolean, _lic_nd boolean, _lic_review boolean"


def _prov(i: int) -> tuple[Any, ...]:
    return ([f"s{i % 3}"], f"file:/lake/t/part-0.parquet#{i}", i % 4, ["MIT", "CC-BY-4.0", "CC-BY-NC-4.0", "LicenseRef-x"][i % 4], i % 2 == 0, i == 1, False, i == 3)


@pytest.fixture(scope="module")
def frames(spark: Any) -> dict[str, Any]:
    main = spark.createDataFrame(
        [(i, TEXT if i % 2 else "short text", ["en", "de"][i % 2], i / 10, 1 - i / 10, *_prov(i)) for i in range(6)],
        f"id bigint, text string, lang string, score double, quality_score double, {PROV_DDL}",
    )
    labels = spark.createDataFrame([(i, f"label{i}", *_prov(i + 10)) for i in range(0, 6, 2)], f"id bigint, label string, {PROV_DDL}")
    more = spark.createDataFrame([(100 + i, "more", "en", 0.5, 0.5, *_prov(100 + i)) for i in range(2)], main.schema)
    return {"main": main, "labels": labels, "more_rows": more}


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_config_contract(name: str) -> None:
    cls = OPERATORS[name]
    op = cls(cls.example_config)
    assert op.name == name and op.version
    with pytest.raises(ValidationError):
        cls({**cls.example_config, "definitely_not_a_field": 1})
    field = next(iter(cls.config_model.model_fields), None)
    if field is not None:
        with pytest.raises(ValidationError):
            setattr(op.config, field, getattr(op.config, field))
    assert (cls.__doc__ or "").strip(), f"{name} needs a docstring saying what it keeps and drops"


@pytest.mark.parametrize("name", sorted(LAZY))
def test_transform_starts_no_spark_job(spark: Any, frames: dict[str, Any], name: str) -> None:
    cls = LAZY[name]
    sc = spark.sparkContext
    group = f"contract-{name}"
    sc.setJobGroup(group, f"contract test of {name}")
    try:
        result = cls(cls.example_config).transform(frames["main"], OpContext(step=name, seed=1, tables=frames))
        as_outputs(result)
        assert list(sc.statusTracker().getJobIdsForGroup(group)) == [], f"{name}.transform ran a Spark job"
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)


def _by_ref(rows: list[Any]) -> dict[str, tuple[Any, ...]]:
    return {r[SRC_REF]: tuple(r[c] for c in PROVENANCE_COLUMNS) for r in rows}


@pytest.mark.parametrize("name", sorted(LAZY))
def test_provenance_survives(spark: Any, frames: dict[str, Any], name: str) -> None:
    cls = LAZY[name]
    out = as_outputs(cls(cls.example_config).transform(frames["main"], OpContext(step=name, seed=1, tables=frames)))["main"]
    assert set(PROVENANCE_COLUMNS) <= set(out.columns), f"{name} lost provenance columns"
    rows = out.collect()
    assert all(r[SRC_IDS] for r in rows), f"{name} produced rows without sources"
    assert all(0 <= r[LIC_RANK] <= 3 for r in rows)
    if cls.kind == "filter" or cls.accounting == "preserve":
        before = _by_ref(frames["main"].collect())
        after = _by_ref(rows)
        assert after == before, f"{name} changed row provenance"
    if cls.kind == "filter":
        assert REJECT_REASON in out.columns and len(rows) == frames["main"].count()


def test_duplicate_operator_name_is_an_error() -> None:
    existing = get_operator("select_columns")

    class Impostor(Operator):
        """Claims a taken name."""

        name = existing.name

    with pytest.raises(DuplicateOperatorError, match="registered twice"):
        register(Impostor)
    assert get_operator("select_columns") is existing


def test_unknown_operator_suggests_a_name() -> None:
    with pytest.raises(UserError, match="did you mean 'minhash_dedup'"):
        get_operator("minhash_dedupe")

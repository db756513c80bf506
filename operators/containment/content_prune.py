"""Stage 3: probe a fixed-seed sample of each child's rows in the parent's projection."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from pydantic import Field

from operators.base import MAIN, Operator, StageContext
from operators.containment._bounds import degree_bounds
from operators.containment._compare import EMPTY
from operators.containment._config import ScanJobs
from operators.containment._funnel import FUNNEL_OUTPUT, decided_by, funnel_frame, stage_rows
from operators.containment._pairs import Pair, pairs_from_frame, pairs_to_frame
from operators.containment._probe import charge_scan_bytes
from operators.containment._profiles import load_profiles
from operators.containment._sample import compare_sample
from operators.registry import register

STAGE = "content_prune"


class ContentPruneConfig(ScanJobs):
    sample_rows: int = Field(512, ge=1, description="expected distinct child rows sampled per pair")


@register
class ContentPrune(Operator):
    """Samples distinct child rows (rows whose seeded fingerprint hash is below a threshold, so
    every copy of a row is in or out together) and looks them up in the parent's projection.
    Drops (``not_contained``) a pair when a sampled row is missing (bag semantics: more frequent
    than in the parent; approximate mode: when the sample's upper confidence bound on the degree
    is below tau). Decides ``contained`` when the sample was the whole child, or when the child
    and the parent's projection are the same multiset (equal row counts and 128-bit multiset
    digests, taken by the same scan); in exact bag semantics, equal row counts with different
    digests are ``not_contained``. Keeps every other pair for verification. Every table is
    scanned once for all its pairs, as child and as parent (one job per large table or group of
    small ones): a parent keeps only the rows under the highest sampling threshold of its
    children, which holds every row equal to a sampled child row; one small job then joins the
    samples."""

    name = "content_prune"
    kind = "stage"
    accounting = "none"
    config_model = ContentPruneConfig
    example_config: ClassVar[dict[str, Any]] = {"sample_rows": 256}

    def run(self, df: Any, ctx: StageContext) -> dict[str, Any]:
        started = time.monotonic()
        cfg: ContentPruneConfig = self.config  # type: ignore[assignment]
        pairs = pairs_from_frame(df)
        pending = [p for p in pairs if p.pending]
        if pending:
            infos = load_profiles(ctx, cfg.table_profiles, cfg.column_profiles)
            fractions = {p.child: min(1.0, cfg.sample_rows / max(infos[p.child].num_rows, 1)) for p in pending}
            sizes = {t: info.num_bytes for t, info in infos.items()}
            rows = {t: info.num_rows for t, info in infos.items()}
            results = compare_sample(ctx, pending, fractions, sizes, rows, cfg.job_plan())
            charge_scan_bytes(pending, infos)
            for pair in pending:
                judge(pair, results.get(pair.key, EMPTY), fractions[pair.child] >= 1.0)
        own = stage_rows(STAGE, len(pending), decided_by(pairs, STAGE), time.monotonic() - started)
        return {MAIN: pairs_to_frame(ctx.spark, pairs), FUNNEL_OUTPUT: funnel_frame(ctx, STAGE, own)}


def judge(pair: Pair, result: dict[str, int], complete: bool) -> None:
    """Decide a pair from the comparison of its child sample with the parent and, when both
    were scanned with as many rows, from their multiset digests."""
    if pair.semantics == "bag":
        size, hits = result["rows"], result["covered"]
    else:
        size, hits = result["distinct"], result["found"]
    pair.sample_rows, pair.sample_hits, pair.rows_checked = size, hits, result["rows"]
    degree = hits / size if size else None
    if pair.mode == "exact":
        _judge_exact(pair, hits, size, degree, complete)
    elif size:
        _judge_approximate(pair, hits, size, degree, complete)
    if pair.pending:
        _judge_multiset(pair, result.get("multiset"), result.get("multiset_rows", 0))


def _judge_multiset(pair: Pair, same: int | None, rows: int) -> None:
    """``same``: 1 when the child and the parent's projection have the same row count
    (``rows``, every one of them digested) and digest, 0 when the same row count but another
    digest, None when unknown."""
    if same is not None:
        pair.rows_checked = rows
    if same == 1:
        pair.decide("contained", STAGE, "same_multiset: the child and the parent's projection have the "
                    "same rows with the same multiplicities (equal row counts and 128-bit multiset digests)", 1.0)
    elif same == 0 and pair.semantics == "bag" and pair.mode == "exact":
        pair.decide("not_contained", STAGE, "multiset_differs: as many rows as the parent's projection "
                    "but another multiset (different digests), so some multiplicity exceeds the parent's")


def _judge_exact(pair: Pair, hits: int, size: int, degree: float | None, complete: bool) -> None:
    if hits < size:
        code = "sample_multiplicity" if pair.semantics == "bag" else "sample_row_missing"
        pair.decide("not_contained", STAGE, f"{code}: {size - hits} of {size} sampled child rows "
                    "not in the parent", degree)
    elif complete and size:
        pair.decide("contained", STAGE, f"decided_contained: all {size} child rows found "
                    "(the sample was the whole child)", 1.0)


def _judge_approximate(pair: Pair, hits: int, size: int, degree: float | None, complete: bool) -> None:
    if complete:
        verdict = "contained" if (degree or 0.0) >= pair.tau else "not_contained"
        code = "decided_contained" if verdict == "contained" else "degree_below_tau"
        pair.decide(verdict, STAGE, f"{code}: degree {degree:.4f} over the whole child, tau {pair.tau}", degree)
        return
    high = degree_bounds(hits, size, pair.confidence)[1]
    if high < pair.tau:
        pair.decide("not_contained", STAGE, f"sample_degree_below_tau: upper bound {high:.4f} < tau "
                    f"{pair.tau} (Hoeffding, confidence {pair.confidence}, n={size})", degree, exact=False)

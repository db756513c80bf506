"""Stage 3: probe a fixed-seed sample of each child's rows in the parent's projection."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from pydantic import Field

from operators.base import MAIN, Operator, StageContext
from operators.containment._bounds import degree_bounds
from operators.containment._compare import EMPTY, compare_sample
from operators.containment._config import ScanJobs
from operators.containment._funnel import FUNNEL_OUTPUT, decided_by, funnel_frame, stage_rows
from operators.containment._pairs import Pair, pairs_from_frame, pairs_to_frame
from operators.containment._probe import charge_scan_bytes
from operators.containment._profiles import load_profiles
from operators.registry import register

STAGE = "content_prune"


class ContentPruneConfig(ScanJobs):
    sample_rows: int = Field(512, ge=1, description="expected distinct child rows sampled per pair")
    broadcast_rows: int = Field(
        2_000_000, ge=0, description="sampled child rows one job may broadcast to its parents (the rest shuffle)")


@register
class ContentPrune(Operator):
    """Samples distinct child rows (rows whose seeded fingerprint hash is below a threshold, so
    every copy of a row is in or out together) and looks them up in the parent's projection.
    Drops (``not_contained``) a pair when a sampled row is missing (bag semantics: more frequent
    than in the parent; approximate mode: when the sample's upper confidence bound on the degree
    is below tau). Decides ``contained`` when the sample was the whole child. Keeps every other
    pair for verification. Each child and each parent is scanned once for all its pairs (one
    job per large table or group of small ones); parent rows whose fingerprint hash is over every
    threshold of their children cannot equal a sampled row and are dropped during the scan, the
    rest semi-joined to the broadcast sample before any shuffle."""

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
            results = compare_sample(ctx, pending, fractions, sizes, rows, cfg.job_plan(), cfg.broadcast_rows)
            charge_scan_bytes(pending, infos)
            for pair in pending:
                judge(pair, results.get(pair.key, EMPTY), fractions[pair.child] >= 1.0)
        own = stage_rows(STAGE, len(pending), decided_by(pairs, STAGE), time.monotonic() - started)
        return {MAIN: pairs_to_frame(ctx.spark, pairs), FUNNEL_OUTPUT: funnel_frame(ctx, STAGE, own)}


def judge(pair: Pair, result: dict[str, int], complete: bool) -> None:
    """Decide a pair from the comparison of its child sample with the parent."""
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

"""Stage 4: decide every remaining pair (full fingerprint comparison, transitivity)."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from pydantic import Field

from operators.base import MAIN, Operator, StageContext
from operators.containment._bounds import degree_bounds
from operators.containment._compare import EMPTY, FullComparison, Result
from operators.containment._config import ScanJobs
from operators.containment._funnel import FUNNEL_OUTPUT, decided_by, funnel_frame, stage_rows
from operators.containment._outputs import duplicates_frame, edges_frame, mark_duplicates
from operators.containment._pairs import Pair, pairs_from_frame
from operators.containment._probe import charge_scan_bytes
from operators.containment._profiles import TableInfo, load_profiles
from operators.containment._transitivity import Knowledge
from operators.registry import register

STAGE = "verify_containment"


class VerifyContainmentConfig(ScanJobs):
    use_transitivity: bool = Field(True, description="infer verdicts from verified pairs (exact mode)")
    broadcast_rows: int = Field(
        2_000_000, ge=0, description="child fingerprint rows one job may broadcast to its parents (the rest shuffle)")
    max_waves: int = Field(
        6, ge=1, description="waves of checks between transitive inferences; the last wave takes every pending pair")
    min_wave_share: float = Field(
        0.02, ge=0.0, le=1.0, description="from the fourth wave on, a wave smaller than this share of the pending pairs takes them all")


@register
class VerifyContainment(Operator):
    """Decides every undecided pair. Exact mode: in waves (at most ``max_waves``; the last takes
    every pending pair) of the pairs that settle the most others by transitivity (cycles over
    possible copies first, then pairs no other pending pair could explain), compares the child's
    full fingerprint set with the parent's (bag semantics:
    multiplicities; child fingerprints persisted once and reused by later waves; one job per
    large table or group of small ones), then infers what transitivity allows before the next wave. Approximate
    mode: accepts a pair whose sampled degree has a lower confidence bound >= tau, otherwise
    measures the full degree. Marks mutual exact containment as ``duplicate`` classes. Returns
    ``containment_edges`` (main; every schema-compatible pair with its verdict),
    ``duplicate_classes`` and the whole chain's ``containment_funnel``. Shuffles: one aggregation
    per child projection; per parent, its fingerprints are semi-joined to its children's (broadcast
    up to ``broadcast_rows``), aggregated and joined back."""

    name = "verify_containment"
    kind = "stage"
    accounting = "none"
    config_model = VerifyContainmentConfig
    example_config: ClassVar[dict[str, Any]] = {"use_transitivity": True}

    def run(self, df: Any, ctx: StageContext) -> dict[str, Any]:
        started = time.monotonic()
        cfg: VerifyContainmentConfig = self.config  # type: ignore[assignment]
        pairs = pairs_from_frame(df)
        pending = [p for p in pairs if p.pending]
        if any(p.mode == "approximate" for p in pending):
            _accept_by_sample(pending)
        infos = load_profiles(ctx, cfg.table_profiles, cfg.column_profiles)
        _verify(ctx, pairs, cfg, infos)
        classes = mark_duplicates(pairs, infos)
        own = stage_rows(STAGE, len(pending), decided_by(pairs, STAGE), time.monotonic() - started)
        edges = edges_frame(ctx.spark, pairs)
        return {MAIN: edges, "containment_edges": edges, "duplicate_classes": duplicates_frame(ctx.spark, classes),
                FUNNEL_OUTPUT: funnel_frame(ctx, STAGE, own)}


def _accept_by_sample(pending: list[Pair]) -> None:
    for pair in pending:
        if pair.mode != "approximate" or not pair.sample_rows:
            continue
        low, _ = degree_bounds(pair.sample_hits or 0, pair.sample_rows, pair.confidence)
        if low >= pair.tau:
            pair.decide("contained", STAGE, f"sample_degree_above_tau: lower bound {low:.4f} >= tau {pair.tau} "
                        f"(Hoeffding, confidence {pair.confidence}, n={pair.sample_rows})",
                        (pair.sample_hits or 0) / pair.sample_rows, exact=False)


def _verify(ctx: StageContext, pairs: list[Pair], cfg: VerifyContainmentConfig, infos: dict[str, TableInfo]) -> None:
    use_transitivity = cfg.use_transitivity
    knowledge = Knowledge(pairs)
    comparison = FullComparison(ctx, {t: i.num_bytes for t, i in infos.items()}, {t: i.num_rows for t, i in infos.items()},
                                cfg.job_plan(), cfg.broadcast_rows)
    exact = all(p.mode == "exact" for p in pairs)
    wave = 0
    while True:
        if use_transitivity and exact:
            knowledge.infer()
        pending = [p for p in pairs if p.pending]
        batch = knowledge.next_wave() if use_transitivity and exact and wave + 1 < cfg.max_waves else pending
        if wave >= 3 and len(batch) < cfg.min_wave_share * len(pending):
            batch = pending  # a long tail of tiny waves costs more scans than it saves
        if not batch:
            return
        wave += 1
        ctx.report(f"verify wave {wave}: {len(batch)} pairs")
        charge_scan_bytes(batch, infos)
        _decide(batch, comparison.compare(batch, wave))


def _decide(batch: list[Pair], results: Result) -> None:
    for pair in batch:
        r = results.get(pair.key, EMPTY)
        bag = pair.semantics == "bag"
        size, hits = (r["rows"], r["covered"]) if bag else (r["distinct"], r["found"])
        degree = hits / size if size else 0.0
        pair.rows_checked = r["rows"]
        ok = degree >= pair.tau if pair.mode == "approximate" else hits == size and size > 0
        what = "rows (with multiplicity)" if bag else "distinct rows"
        if ok:
            pair.decide("contained", STAGE, f"verified: {hits} of {size} child {what} in the parent", degree)
        else:
            code = "degree_below_tau" if pair.mode == "approximate" else ("multiplicity" if bag else "row_missing")
            pair.decide("not_contained", STAGE, f"{code}: {size - hits} of {size} child {what} not in the parent", degree)

"""Stage 4: decide every remaining pair (full fingerprint comparison, transitivity)."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from pydantic import Field

from operators.base import MAIN, Operator, StageContext
from operators.containment._bounds import degree_bounds
from operators.containment._compare import EMPTY, Result, compare_full
from operators.containment._config import ProfileTables
from operators.containment._funnel import FUNNEL_OUTPUT, decided_by, funnel_frame, stage_rows
from operators.containment._outputs import duplicates_frame, edges_frame, mark_duplicates
from operators.containment._pairs import Pair, pairs_from_frame
from operators.containment._probe import batches, charge_scan_bytes
from operators.containment._profiles import TableInfo, load_profiles
from operators.containment._transitivity import Knowledge
from operators.registry import register

STAGE = "verify_containment"


class VerifyContainmentConfig(ProfileTables):
    use_transitivity: bool = Field(True, description="infer verdicts from verified pairs (exact mode)")
    tables_per_job: int = Field(256, ge=2, description="most tables one Spark job reads (pairs are batched)")
    max_waves: int = Field(
        4, ge=1, description="waves of checks between transitive inferences; the last wave takes every pending pair")


@register
class VerifyContainment(Operator):
    """Decides every undecided pair. Exact mode: in waves of pairs that no other pending pair
    could explain (at most ``max_waves``; the last takes every pending pair), compares the child's full fingerprint set with the parent's (bag semantics:
    multiplicities), then infers what transitivity allows before the next wave. Approximate
    mode: accepts a pair whose sampled degree has a lower confidence bound >= tau, otherwise
    measures the full degree. Marks mutual exact containment as ``duplicate`` classes. Returns
    ``containment_edges`` (main; every schema-compatible pair with its verdict),
    ``duplicate_classes`` and the whole chain's ``containment_funnel``. Shuffles: per wave, one
    aggregation per side and a join."""

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
    exact = all(p.mode == "exact" for p in pairs)
    wave = 0
    while True:
        if use_transitivity and exact:
            knowledge.infer()
        last = wave + 1 >= cfg.max_waves or not (use_transitivity and exact)
        batch = [p for p in pairs if p.pending] if last else knowledge.next_wave()
        if not batch:
            return
        wave += 1
        ctx.report(f"verify wave {wave}: {len(batch)} pairs")
        charge_scan_bytes(batch, infos)
        for i, job in enumerate(batches(batch, cfg.tables_per_job)):
            _decide(job, compare_full(ctx, job, f"wave_{wave}_{i}"))


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

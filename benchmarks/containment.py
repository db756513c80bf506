"""Table-containment benchmark: the staged pipeline against pairwise anti-joins, with ground truth.

Lake: ``profiling.testlake`` (TPC-H from ``tpchgen-cli`` plus derived tables and hard negatives);
ground truth: DuckDB brute force (``profiling.testlake_truth``). Reported, in one run:
- profiling: footer-only vs a full Spark scan per table (median of ``--repeats``), and the ratio;
- the staged chain (schema -> min/max -> content -> verify): pairs remaining after each stage,
  wall time, precision/recall against the truth;
- brute force in Spark: ``child EXCEPT parent`` for every schema-compatible pair, one job each,
  measured until ``--brute-budget`` seconds (the rest extrapolated from the measured mean and
  labelled so), and its recall on the measured pairs;
- one pass: every readable table read once and each row fingerprinted (all its columns, the
  fingerprint the comparisons use), the rows dropped, two jobs at a time over the pipeline's own
  job plan. An exact method reads every row at least once, so brute force / one pass bounds the
  speed-up any exact staged pipeline could reach on this lake and machine;
- a scaling run of the staged chain over lakes of ``--scaling`` sizes.

Run: ``python -m benchmarks.containment`` (>= 300 tables, >= 1 GB) or ``--quick``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import reduce
from pathlib import Path
from typing import Any

from operators.containment._chain import run_containment
from operators.containment._fingerprint import Projection, canonical_sql
from operators.containment._jobs import JobPlan
from operators.containment._probe import table_fingerprints
from operators.containment._types import canonical_type
from pipelines.session import build_spark_session
from pipelines.stages import StageStore
from profiling.lake import lake_table_reader, profile_lake
from profiling.testlake import BuiltLake, build_test_lake
from profiling.testlake_truth import Truth, ground_truth

POSITIVE = ("contained", "duplicate")


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = time.monotonic()
    result = fn(*args, **kwargs)
    return time.monotonic() - started, result


def _lake(cache: Path, n: int, sf: float, seed: int) -> BuiltLake:
    root = cache / f"lake_n{n}_sf{sf:g}_s{seed}"
    seconds, lake = _timed(build_test_lake, root, n_tables=n, scale_factor=sf, seed=seed,
                           tpch_cache=cache / "tpch", faults=True)
    print(f"# lake {root}: {len(lake.formats) + len(lake.faulty)} tables, "
          f"{lake.total_bytes / 1e9:.2f} GB, built in {seconds:.0f}s", flush=True)
    return lake


def _profiling(spark: Any, lake: BuiltLake, repeats: int, scan_tables: int) -> dict[str, Any]:
    """Footer profiling of the whole lake; footer vs full scan on the first ``scan_tables`` tables."""
    footer = [_timed(profile_lake, spark, lake.root, lake.lake_formats)[0] for _ in range(repeats)]
    scan, _ = _timed(profile_lake, spark, lake.root, ["parquet"], max_tables=scan_tables, method="scan")
    footer_same = [_timed(profile_lake, spark, lake.root, ["parquet"], max_tables=scan_tables)[0]
                   for _ in range(max(repeats, 3))]
    return {"footer_s": statistics.median(footer), "footer_parquet_s": statistics.median(footer_same),
            "scan_parquet_s": scan, "scan_tables": scan_tables, "ratio": scan / statistics.median(footer_same)}


def _staged(spark: Any, lake: BuiltLake, truth: Truth | None) -> dict[str, Any]:
    started = time.monotonic()
    profiles = profile_lake(spark, lake.root, lake.lake_formats)
    read = lake_table_reader(spark, profiles["table_profiles"])
    with tempfile.TemporaryDirectory(prefix="lakesift-bench-") as work:
        store = StageStore(spark, Path(work))
        out = run_containment(spark, profiles, read, progress=_progress, checkpoints=store.checkpoint)
        edges = out["verify_containment"].collect()
        funnel_rows = out["verify_containment.containment_funnel"].collect()
    seconds = time.monotonic() - started
    funnel = [r.asDict() for r in funnel_rows]
    result: dict[str, Any] = {"seconds": seconds, "funnel": funnel,
                              "compatible": [(r["parent"], r["child"]) for r in edges if r["verdict"] != "unknown"]}
    found = {(r["parent"], r["child"]) for r in edges if r["verdict"] in POSITIVE}
    if truth is not None:
        result |= _quality(found, truth.contained)
    result["edges"] = len(found)
    return result


def _progress(message: str, done: int | None = None, total: int | None = None) -> None:
    if total and done not in (0, total) and done % 50:
        return  # per-table progress: every 50th table
    step = f" ({done}/{total})" if total else ""
    print(f"#   {time.strftime('%H:%M:%S')} {message}{step}", flush=True)


def _quality(found: set[tuple[str, str]], true: set[tuple[str, str]]) -> dict[str, float]:
    hits = len(found & true)
    return {"precision": hits / len(found) if found else 1.0, "recall": hits / len(true) if true else 1.0}


def _brute_force(spark: Any, lake: BuiltLake, pairs: list[tuple[str, str]], budget: float,
                 truth: Truth) -> dict[str, Any]:
    _, read, columns = _lake_access(spark, lake)
    started, done, found = time.monotonic(), 0, set()
    for parent, child in pairs:
        if time.monotonic() - started > budget:
            break
        if _anti_join_empty(read, columns, parent, child):
            found.add((parent, child))
        done += 1
    seconds = time.monotonic() - started
    checked = set(pairs[:done])
    per_pair = seconds / max(done, 1)
    return {"pairs": len(pairs), "measured_pairs": done, "measured_s": seconds,
            "total_s": per_pair * len(pairs), "extrapolated": done < len(pairs),
            "recall_on_measured": len(found & truth.contained) / max(len(truth.contained & checked), 1)}


def _lake_access(spark: Any, lake: BuiltLake) -> tuple[Any, Any, dict[str, dict[str, tuple[str, str]]]]:
    """The lake's profiles, a table reader and each table's columns (norm -> (name, Spark type))."""
    profiles = profile_lake(spark, lake.root, lake.lake_formats)
    return profiles, lake_table_reader(spark, profiles["table_profiles"]), _columns(profiles["column_profiles"])


def _one_pass(spark: Any, lake: BuiltLake, repeats: int) -> dict[str, Any]:
    """Seconds (median of ``repeats``) to read every readable table once and fingerprint each
    row, nothing kept."""
    profiles, read, columns = _lake_access(spark, lake)
    ok = {r["table_id"]: r["num_bytes"] for r in profiles["table_profiles"].collect() if r["status"] == "ok"}

    def fingerprints(table: str) -> Any:
        cols = tuple((name, canonical_type(kind)) for _, (name, kind) in sorted(columns[table].items()))
        return table_fingerprints(read, table, {0: Projection(table, cols)})

    def job(group: tuple[str, ...]) -> None:
        reduce(lambda a, b: a.unionByName(b), [fingerprints(t) for t in group]).write.format("noop").mode(
            "overwrite").save()

    def run() -> None:
        with ThreadPoolExecutor(max_workers=JobPlan().concurrency) as pool:
            list(pool.map(job, groups))

    groups = JobPlan().groups(ok, ok)
    seconds = statistics.median(_timed(run)[0] for _ in range(repeats))
    return {"seconds": seconds, "tables": len(ok), "jobs": len(groups)}


def _columns(column_profiles: Any) -> dict[str, dict[str, tuple[str, str]]]:
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for r in column_profiles.collect():
        out.setdefault(r["table_id"], {})[r["norm_name"]] = (r["column_name"], r["spark_type"])
    return out


def _anti_join_empty(read: Any, columns: dict[str, dict[str, tuple[str, str]]], parent: str, child: str) -> bool:
    norms = sorted(columns[child])
    target = {n: columns[parent][n][1] for n in norms}
    cdf = read(child, None).selectExpr(*[canonical_sql(columns[child][n][0], target[n]) for n in norms])
    pdf = read(parent, None).selectExpr(*[canonical_sql(columns[parent][n][0], target[n]) for n in norms])
    return cdf.toDF(*norms).subtract(pdf.toDF(*norms)).isEmpty()


def _print_report(report: dict[str, Any]) -> None:
    p, s, b = report["profiling"], report["staged"], report["brute"]
    print("\n== containment benchmark ==")
    print(f"lake: {report['tables']} tables, {report['gb']:.2f} GB; truth: {report['truth_edges']} contained pairs "
          f"of {report['truth_compatible']} compatible (DuckDB {report['truth_s']:.0f}s)")
    print(f"profiling of {p['scan_tables']} Parquet tables: footer {p['footer_parquet_s']:.2f}s | full scan "
          f"{p['scan_parquet_s']:.1f}s | ratio {p['ratio']:.0f}x; whole lake (footers + CSV/JSON scans) {p['footer_s']:.1f}s")
    print(f"{'stage':<20}{'pairs_in':>10}{'pairs_out':>10}{'seconds':>10}")
    seen = set()
    for row in s["funnel"]:
        if row["stage"] not in seen:
            seen.add(row["stage"])
            print(f"{row['stage']:<20}{row['pairs_in']:>10}{row['pairs_out']:>10}{row['seconds']:>10.1f}")
    print(f"staged: {s['seconds']:.0f}s precision {s.get('precision', float('nan')):.3f} recall {s.get('recall', float('nan')):.3f}")
    label = "extrapolated from " + str(b["measured_pairs"]) + " pairs" if b["extrapolated"] else "measured"
    print(f"brute force: {b['pairs']} pairs, {b['total_s']:.0f}s ({label}; {b['measured_s']:.0f}s measured), "
          f"recall on measured {b['recall_on_measured']:.3f}")
    print(f"speed-up staged vs brute force: {b['total_s'] / s['seconds']:.1f}x")
    if "one_pass" in report:
        o = report["one_pass"]
        print(f"one pass (read and fingerprint every row of {o['tables']} tables, {o['jobs']} jobs): "
              f"{o['seconds']:.0f}s; brute force / one pass {b['total_s'] / o['seconds']:.1f}x; "
              f"staged / one pass {s['seconds'] / o['seconds']:.1f}x")
    _print_scaling(report)


def _print_scaling(report: dict[str, Any]) -> None:
    for row in report.get("scaling", []):
        print(f"scaling: {row['tables']:>5} tables {row['gb']:.2f} GB staged {row['seconds']:.0f}s "
              f"({row['pairs']} compatible pairs, {row['edges']} edges)")


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    cache = Path(args.cache)
    spark = build_spark_session("local[2]", "lakesift-containment-bench", {"spark.driver.memory": args.driver_memory})
    report: dict[str, Any] = {"scaling": []}
    if not args.scaling_only:
        report = _main_lake(spark, cache, args)
    for n in args.scaling:
        small = _lake(cache, n, args.scaling_sf, args.seed)
        run = _staged(spark, small, None)
        report["scaling"].append({"tables": n, "gb": small.total_bytes / 1e9, "seconds": run["seconds"],
                                  "pairs": len(run["compatible"]), "edges": run["edges"]})
        print(f"scaling: {n} tables staged {run['seconds']:.0f}s", flush=True)
    if args.scaling_only:
        _print_scaling(report)
    elif args.scaling:
        _print_report(report)  # again, now with the scaling rows (the main lake's report came first)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2, default=str))


def _main_lake(spark: Any, cache: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Truth, profiling, staged pipeline and brute force on the big lake."""
    lake = _lake(cache, args.tables, args.scale_factor, args.seed)
    truth_s, truth = _timed(ground_truth, lake)
    print(f"# truth: {len(truth.contained)} of {len(truth.compatible)} pairs in {truth_s:.0f}s", flush=True)
    report: dict[str, Any] = {"tables": len(lake.formats) + len(lake.faulty), "gb": lake.total_bytes / 1e9,
                              "truth_s": truth_s, "truth_edges": len(truth.contained),
                              "truth_compatible": len(truth.compatible)}
    report["profiling"] = _profiling(spark, lake, args.repeats, args.scan_tables)
    print(f"# profiling: {report['profiling']}", flush=True)
    staged = [_staged(spark, lake, truth) for _ in range(args.repeats)]
    report["staged"] = sorted(staged, key=lambda r: r["seconds"])[len(staged) // 2]
    print(f"# staged: {report['staged']['seconds']:.0f}s", flush=True)
    report["one_pass"] = _one_pass(spark, lake, args.repeats)
    print(f"# one pass: {report['one_pass']}", flush=True)
    pairs = sorted(report["staged"].pop("compatible"))
    random.Random(args.seed).shuffle(pairs)  # a fair sample of pairs when the budget runs out
    report["brute"] = _brute_force(spark, lake, pairs, args.brute_budget, truth)
    report["scaling"] = []
    _print_report(report)
    return report


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=300)
    parser.add_argument("--scale-factor", type=float, default=0.7)
    parser.add_argument("--scan-tables", type=int, default=60, help="tables profiled both ways")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--brute-budget", type=float, default=600.0, help="seconds of measured brute force")
    parser.add_argument("--scaling", type=lambda s: [int(x) for x in s.split(",") if x], default=[100, 300, 1000])
    parser.add_argument("--scaling-sf", type=float, default=0.01)
    parser.add_argument("--driver-memory", default="4g", help="one JVM runs both the staged pipeline and brute force")
    parser.add_argument("--cache", default=".bench/containment")
    parser.add_argument("--json", default=".bench/containment/report.json")
    parser.add_argument("--scaling-only", action="store_true", help="only the scaling runs (no truth, no brute force)")
    parser.add_argument("--quick", action="store_true", help="40 tables, SF 0.01, short budget")
    args = parser.parse_args(argv)
    if args.quick:
        args.tables, args.scale_factor, args.brute_budget, args.scaling = 40, 0.01, 120.0, [40, 80]
        args.scaling_sf = 0.01
    return args


if __name__ == "__main__":
    main()

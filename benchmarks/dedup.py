"""Near-duplicate dedup benchmark: quality against exact Jaccard, throughput against baselines.

Corpus: real text from ``profiling.text_corpus`` plus controlled edits of a share of it
(insertions of real text from another document, deletions, reordered paragraphs, a boilerplate
header taken from a real license/copyright file). Ground truth: exact Jaccard of the 5-word
shingle sets over all pairs (sparse matrix products in row blocks). Reported: pair-level
precision/recall per edit kind, for verified edges and for co-clustered pairs, and documents per
second of the Spark stage, a plain datasketch loop (MinHash per doc + MinHashLSH query/insert)
and datatrove's four-step MinHash pipeline, each the median of ``--repeats`` runs, with peak RSS.

Run: ``python -m benchmarks.dedup`` (``--docs 44000`` for a smaller corpus, ``--quick`` for a
400-document smoke run). The Spark path's fixed cost (job scheduling, persisted sub-stages) is a
few seconds, so its ratio to the single-process loops grows with the corpus.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from operators.dedup.minhash_dedup import MinHashDedupConfig
from operators.dedup.shingling import shingles

KINDS = ("insertion", "deletion", "reorder", "boilerplate")
# 44,000 real originals asked for (about 71,000 documents and 177 MB with the edited variants on
# this machine image); beyond ~22,000 originals the corpus tops up with installed packages'
# docstrings (profiling.text_corpus).
DEFAULT_DOCS = 88_000
Pair = tuple[str, str]


# ---------------------------------------------------------------- corpus with controlled edits
def _paragraphs(text: str) -> list[str]:
    parts = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    if len(parts) >= 3:
        return parts
    words = text.split()
    step = max(1, len(words) // 4)
    return [" ".join(words[i : i + step]) for i in range(0, len(words), step)]


def _edit(kind: str, text: str, donor: str, header: str, rng: random.Random) -> str:
    words = text.split()
    share = rng.uniform(0.02, 0.35)
    span = max(1, int(len(words) * share))
    at = rng.randrange(len(words))
    if kind == "insertion":
        start = rng.randrange(max(1, len(donor.split()) - span))
        return " ".join(words[:at] + donor.split()[start : start + span] + words[at:])
    if kind == "deletion":
        return " ".join(words[:at] + words[at + span :])
    if kind == "reorder":
        parts = _paragraphs(text)
        rng.shuffle(parts)
        return "\n\n".join(parts)
    return header + "\n\n" + text


def edited_corpus(base: list[dict], share: float = 0.25, seed: int = 7) -> list[dict]:
    """``base`` plus edited variants (one per kind) of a ``share`` of its documents."""
    rng = random.Random(seed)
    docs = [{"id": f"o{i:06d}", "text": d["text"], "kind": "original", "base": f"o{i:06d}"}
            for i, d in enumerate(base)]
    headers = [" ".join(d["text"].split()[:rng.randint(20, 80)]) for d in base
               if d["origin"] in ("license", "copyright")] or ["Copyright notice"]
    chosen = [d for d in docs if len(d["text"].split()) >= 60 and rng.random() < share]
    for doc in chosen:
        for kind in KINDS:
            donor = docs[rng.randrange(len(docs))]["text"]
            text = _edit(kind, doc["text"], donor, rng.choice(headers), rng)
            docs.append({"id": f"{doc['id']}-{kind[:3]}", "text": text, "kind": kind,
                         "base": doc["base"]})
    return docs


# ---------------------------------------------------------------- ground truth and metrics
def true_pairs(docs: list[dict], threshold: float, block: int = 1000) -> dict[Pair, float]:
    """Every pair with exact shingle-set Jaccard >= threshold (all pairs, block-wise)."""
    from scipy import sparse

    spec = MinHashDedupConfig().spec(1).shingles
    vocab: dict[tuple, int] = {}
    rows, cols = [], []
    for i, d in enumerate(docs):
        ids = {vocab.setdefault(s, len(vocab)) for s in shingles(d["text"], spec)}
        rows += [i] * len(ids)
        cols += sorted(ids)
    x = sparse.csr_matrix((np.ones(len(rows), np.int32), (rows, cols)), (len(docs), len(vocab)))
    sizes = np.asarray(x.sum(axis=1)).ravel()
    found: dict[Pair, float] = {}
    for start in range(0, len(docs), block):
        inter = (x[start : start + block] @ x.T).tocoo()
        i, j = inter.row + start, inter.col
        keep = i < j
        i, j, v = i[keep], j[keep], inter.data[keep]
        jac = v / (sizes[i] + sizes[j] - v)
        for a, b, s in zip(i[jac >= threshold], j[jac >= threshold], jac[jac >= threshold]):
            found[_pair(docs[a]["id"], docs[b]["id"])] = float(s)
    return found


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def cluster_pairs(clusters: Iterable[list[str]]) -> set[Pair]:
    return {_pair(a, b) for members in clusters for i, a in enumerate(members) for b in members[i + 1 :]}


def components(pairs: Iterable[Pair]) -> list[list[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for node in list(parent):
        groups[find(node)].append(node)
    return [sorted(g) for g in groups.values()]


def pair_kind(pair: Pair, meta: dict[str, dict]) -> str:
    a, b = (meta[p] for p in pair)
    if a["base"] != b["base"]:
        return "natural"
    if "original" in (a["kind"], b["kind"]):
        return b["kind"] if a["kind"] == "original" else a["kind"]
    return "variant~variant"


def scores(predicted: set[Pair], truth: set[Pair], meta: dict[str, dict]) -> dict[str, dict]:
    """Precision/recall overall and per pair kind."""
    out: dict[str, dict] = {}
    kinds = {pair_kind(p, meta) for p in predicted | truth}
    for kind in ["all", *sorted(kinds)]:
        pred = {p for p in predicted if kind == "all" or pair_kind(p, meta) == kind}
        true = {p for p in truth if kind == "all" or pair_kind(p, meta) == kind}
        hit = len(pred & true)
        out[kind] = {"precision": hit / len(pred) if pred else 1.0,
                     "recall": hit / len(true) if true else 1.0, "true": len(true), "predicted": len(pred)}
    return out


def quality_report(docs: list[dict], spark_clusters: list[list[str]], spark_edges: set[Pair],
                   threshold: float) -> dict[str, dict]:
    meta = {d["id"]: d for d in docs}
    truth = true_pairs(docs, threshold)
    return {"edges": scores(spark_edges, set(truth), meta),
            "clusters": scores(cluster_pairs(spark_clusters), cluster_pairs(components(truth)), meta)}


# ---------------------------------------------------------------- the Spark path
class _Checkpoints:
    def __init__(self, spark: Any, root: Path) -> None:
        self.spark, self.root = spark, root

    def __call__(self, name: str, compute: Callable[[], Any]) -> Any:
        path = str(self.root / name)
        compute().write.mode("overwrite").parquet(path)
        return self.spark.read.parquet(path)


def run_spark(spark: Any, corpus: str, work: Path, config: dict) -> Path:
    """Run the stage over a Parquet corpus and write its outputs (what the runner would publish);
    return the folder holding the outputs and the persisted sub-stages."""
    from operators.base import StageContext
    from operators.dedup.minhash_dedup import MinHashDedup

    ctx = StageContext(step="dedup", seed=1, spark=spark, checkpoint=_Checkpoints(spark, work))
    outputs = MinHashDedup({"id_column": "id", **config}).run(spark.read.parquet(corpus), ctx)
    for name, df in outputs.items():
        df.write.mode("overwrite").parquet(str(work / f"out_{name}"))
    return work


def spark_result(spark: Any, work: Path) -> tuple[list[list[str]], set[Pair]]:
    """Clusters (member lists) and verified edges a :func:`run_spark` run wrote."""
    clusters = [r["members"] for r in spark.read.parquet(str(work / "out_dedup_clusters")).collect()]
    edges = {_pair(r["a"], r["b"]) for r in spark.read.parquet(str(work / "edges")).collect()}
    return clusters, edges


# ---------------------------------------------------------------- baselines
def datasketch_loop(docs: list[dict], cfg: MinHashDedupConfig) -> int:
    """MinHash per document (default SHA-1 hashing) + MinHashLSH query and insert."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(num_perm=cfg.num_perm, params=(cfg.bands, cfg.rows))
    spec, found = cfg.spec(1).shingles, 0
    for d in docs:
        m = MinHash(num_perm=cfg.num_perm, seed=1)
        m.update_batch([" ".join(s).encode("utf-8") for s in shingles(d["text"], spec)])
        found += len(lsh.query(m))
        lsh.insert(d["id"], m)
    return found


def datatrove_pipeline(corpus_dir: str, work: str, cfg: MinHashDedupConfig) -> None:
    """datatrove's signature -> buckets -> cluster -> filter pipeline on 2 local workers."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.writers import ParquetWriter

    mc = MinhashConfig(n_grams=cfg.ngram, num_buckets=cfg.bands, hashes_per_bucket=cfg.rows)
    steps = [
        ([_reader(corpus_dir), MinhashDedupSignature(f"{work}/sigs", config=mc)], 2),
        ([MinhashDedupBuckets(f"{work}/sigs", f"{work}/buckets", config=mc)], cfg.bands),
        ([MinhashDedupCluster(f"{work}/buckets", f"{work}/remove", config=mc)], 1),
        ([_reader(corpus_dir), MinhashDedupFilter(f"{work}/remove"), ParquetWriter(f"{work}/out")], 2),
    ]
    for i, (pipeline, tasks) in enumerate(steps):  # type: ignore[assignment]
        LocalPipelineExecutor(pipeline, tasks=tasks, workers=2, logging_dir=f"{work}/logs{i}").run()


def _reader(corpus_dir: str) -> Any:
    from datatrove.pipeline.readers import ParquetReader

    return ParquetReader(corpus_dir, text_key="text", id_key="id", glob_pattern="*.parquet")


# ---------------------------------------------------------------- measurement helpers
def _tree_rss_kb(pid: int) -> int:
    """Current RSS (kB) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children[int(fields[1])].append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            rss = [ln for ln in Path(f"/proc/{p}/status").read_text().splitlines() if ln.startswith("VmRSS")]
            total += int(rss[0].split()[1]) if rss else 0
        except OSError:
            continue
    return total


class PeakMemory:
    """Samples the RSS of this process tree (driver, JVM, Python workers) every 0.2 s."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kb, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))

    def __enter__(self) -> PeakMemory:  # noqa: PYI034
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed(repeats: int, run: Callable[[int], object]) -> tuple[float, list[float]]:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


# ---------------------------------------------------------------- the run
def build_docs(n_docs: int, share: float) -> list[dict]:
    """A corpus of about ``n_docs`` documents: originals plus edited variants."""
    from profiling.text_corpus import build_text_corpus

    n_base = max(10, int(n_docs / (1 + share * len(KINDS))))
    return edited_corpus(build_text_corpus(n_base), share)


def _write_inputs(docs: list[dict], work: Path) -> str:
    """The corpus as two Parquet files (two input partitions / two datatrove tasks)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = work / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    half = (len(docs) + 1) // 2
    for part, chunk in enumerate((docs[:half], docs[half:])):
        table = pa.table({"id": [d["id"] for d in chunk], "text": [d["text"] for d in chunk],
                          "_src_ids": [[d["base"]] for d in chunk]})
        pq.write_table(table, folder / f"part-{part}.parquet", row_group_size=2000)
    return str(folder)


def _measure(name: str, repeats: int, n_docs: int, run: Callable[[int], object]) -> dict:
    import os

    with PeakMemory(os.getpid()) as mem:
        median, times = timed(repeats, run)
    result = {"method": name, "median_s": round(median, 3), "runs_s": [round(t, 3) for t in times],
              "docs_per_s": round(n_docs / median, 1), "peak_rss_mb": round(mem.peak_kb / 1024, 1)}
    print(json.dumps(result), flush=True)
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=DEFAULT_DOCS,
                        help="at most this many documents: half originals, the rest their edits (fewer when "
                             "originals are too short to edit)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--share", type=float, default=0.25, help="share of originals edited")
    parser.add_argument("--skip-datatrove", action="store_true")
    parser.add_argument("--quick", action="store_true", help="400 documents, 1 repeat")
    args = parser.parse_args(argv)
    n_docs, repeats = (400, 1) if args.quick else (args.docs, args.repeats)
    cfg = MinHashDedupConfig()
    docs = build_docs(n_docs, args.share)
    print(f"corpus: {len(docs)} documents, {sum(len(d['text']) for d in docs) / 1e6:.1f} MB text",
          flush=True)
    report: dict[str, Any] = {"docs": len(docs), "config": cfg.model_dump(), "throughput": []}
    with tempfile.TemporaryDirectory(prefix="lakesift-dedup-bench-") as tmp:
        work = Path(tmp)
        report["throughput"].append(_measure("datasketch_loop", repeats, len(docs),
                                             lambda i: datasketch_loop(docs, cfg)))
        corpus = _write_inputs(docs, work)
        if not args.skip_datatrove:
            report["throughput"].append(_measure("datatrove_minhash", repeats, len(docs),
                                                 lambda i: datatrove_pipeline(corpus, f"{work}/dt{i}", cfg)))
        from pipelines.session import build_spark_session

        spark = build_spark_session(master="local[2]", app_name="dedup-bench", conf={
            "spark.sql.execution.arrow.maxRecordsPerBatch": "1000"})
        report["throughput"].append(_measure("lakesift_spark", repeats, len(docs),
                                             lambda i: run_spark(spark, corpus, work / f"spark{i}", {})))
        clusters, edges = spark_result(spark, work / "spark0")
        report["quality"] = quality_report(docs, clusters, edges, cfg.threshold)
        spark.stop()
    base = report["throughput"][0]["median_s"]
    report["speedup_vs_datasketch"] = {t["method"]: round(base / t["median_s"], 2) for t in report["throughput"]}
    _print_quality(report["quality"])
    print(json.dumps({"speedup_vs_datasketch": report["speedup_vs_datasketch"]}))
    return report


def _print_quality(quality: dict) -> None:
    for level, table in quality.items():
        print(f"pair-level quality ({level}):")
        for kind, s in table.items():
            print(f"  {kind:16s} precision={s['precision']:.4f} recall={s['recall']:.4f} "
                  f"true={s['true']} predicted={s['predicted']}")


if __name__ == "__main__":
    main()

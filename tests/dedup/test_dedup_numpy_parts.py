"""The NumPy halves of minhash_dedup against plain-Python oracles (no Spark).

Word tokens against a regular-expression split, pair Jaccard against Python sets, driver-side
components against hand-derived components (and the candidate table's components against a
union-find), and bucket runs against hand-listed pairs.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from operators.dedup.arrow_batches import signature_batches
from operators.dedup.local_candidates import candidate_table
from operators.dedup.local_components import component_members
from operators.dedup.minhash_dedup import MinHashDedupConfig
from operators.dedup.set_overlap import pair_jaccard, shingle_sets
from operators.dedup.shingling import ShingleSpec, batch_tokens, shingle_hash64, shingles
from operators.dedup.sorted_runs import run_pairs, whole_runs

TRICKY = ["", None, "_", "—", "x—y", "Über naïve CAFÉ", "e\u0301t\u00e9", "İstanbul ǅ",
          "日本語のテキスト、句読点。", "emoji 😀 and 𝔘𝔫𝔦 𝟙𝟚", "tab\tnew\nline", "  lead", "trail  ",
          "١٢٣ arabic ٤", "a\u200bb", "ß ẞ ﬁ", "Ω≈ç√∫", "end_", "_start", "x" * 10]


def _regex_tokens(texts: list[str | None], lowercase: bool) -> list[list[str]]:
    """Oracle: split on runs of non-(letter, digit, mark, underscore), drop empty pieces."""
    arr = pc.fill_null(pa.array(texts, pa.large_string()), "")
    if lowercase:
        arr = pc.utf8_lower(arr)
    return [[t for t in parts if t] for parts in
            pc.split_pattern_regex(arr, r"[^\p{L}\p{N}\p{M}_]+").to_pylist()]


def _per_text(flat: pa.Array, counts: np.ndarray) -> list[list[str]]:
    tokens, ends = flat.to_pylist(), np.cumsum(counts).tolist()
    return [tokens[start:end] for start, end in zip([0, *ends[:-1]], ends)]


@pytest.mark.parametrize("lowercase", [True, False])
def test_word_tokens_equal_a_regex_split_on_unicode_and_text_boundaries(lowercase: bool) -> None:
    rng = random.Random(5)
    ranges = [(0x20, 0x7E), (0xA0, 0x7FF), (0x800, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x10FFFF)]
    noise = ["".join(chr(rng.randint(*rng.choice(ranges))) for _ in range(rng.randint(0, 9)))
             for _ in range(400)]
    texts = TRICKY + noise  # neighbours ending and starting with word characters included
    flat, counts = batch_tokens(texts, ShingleSpec(lowercase=lowercase))
    assert _per_text(flat, counts) == _regex_tokens(texts, lowercase)


def test_word_tokens_of_a_sliced_arrow_array() -> None:
    arr = pa.array(["zero", *TRICKY, "last words"], pa.string()).slice(3, 12)
    flat, counts = batch_tokens(arr, ShingleSpec())
    assert _per_text(flat, counts) == _regex_tokens(arr.to_pylist(), True)


def test_pair_jaccard_equals_python_set_jaccard() -> None:
    rng = random.Random(11)
    words = [f"w{i}" for i in range(40)]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 60))) for _ in range(30)]
    texts += ["", "one two", None]
    spec = ShingleSpec(n=3)
    left = np.array([rng.randrange(len(texts)) for _ in range(300)])
    right = np.array([rng.randrange(len(texts)) for _ in range(300)])
    got = pair_jaccard(shingle_sets(texts, spec), left, right)
    python_sets = [{shingle_hash64(s) for s in shingles(t, spec)} for t in texts]
    for i, (x, y) in enumerate(zip(left.tolist(), right.tolist())):
        union = len(python_sets[x] | python_sets[y])
        assert got[i] == (len(python_sets[x] & python_sets[y]) / union if union else 0.0)


def test_driver_components_of_chains_cycles_and_pairs() -> None:
    chain = [(f"n{i:02d}", f"n{i + 1:02d}") for i in reversed(range(12))]   # n00..n12
    cycle = [("c3", "c1"), ("c1", "c2"), ("c2", "c4"), ("c4", "c3")]
    edges = chain + cycle + [("z9", "y1"), ("y1", "z9")]
    table = component_members(pa.table({"a": [e[0] for e in edges], "b": [e[1] for e in edges]}))
    got = {r["id"]: (r["component"], r["size"]) for r in table.to_pylist()}
    expected = {f"n{i:02d}": ("n00", 13) for i in range(13)}
    expected |= {c: ("c1", 4) for c in ("c1", "c2", "c3", "c4")} | {"y1": ("y1", 2), "z9": ("y1", 2)}
    assert got == expected


def _union_find_components(pairs: list[tuple[str, str]]) -> dict[str, tuple[str, int]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b in pairs:
        parent[max(find(a), find(b))] = min(find(a), find(b))
    members: dict[str, list[str]] = {}
    for node in list(parent):
        members.setdefault(find(node), []).append(node)
    return {n: (root, len(ms)) for root, ms in members.items() for n in ms}


def test_candidate_table_carries_each_pairs_component_and_its_size() -> None:
    rng = random.Random(5)
    words = [f"w{i}" for i in range(300)]
    bases = [[rng.choice(words) for _ in range(80)] for _ in range(12)]
    texts, ids = [], []
    for i, base in enumerate(bases):  # families of 1..4 light edits of one base text
        for j in range(i % 4 + 1):
            edited = list(base)
            edited[rng.randrange(80)] = rng.choice(words)
            texts.append(" ".join(edited))
            ids.append(f"d{rng.randrange(10**6):06d}-{i}-{j}")
    spec = MinHashDedupConfig().spec(1)
    batch = pa.RecordBatch.from_pydict({"id": ids, "text": texts})
    docs = pa.Table.from_batches(list(signature_batches(spec)(iter([batch]))))
    table = candidate_table(docs, spec, cap=100, min_est=0.5).to_pylist()
    assert len({(r["a"], r["b"]) for r in table}) == len(table) > 12
    expected = _union_find_components([(r["a"], r["b"]) for r in table])
    for row in table:
        assert row["a"] < row["b"]
        assert (row["component"], row["size"]) == expected[row["a"]] == expected[row["b"]]


def test_bucket_runs_give_all_pairs_or_a_star_above_the_cap() -> None:
    buckets = np.array([7, 7, 7, 8, 9, 9, 9, 9])
    pairs = set(zip(*(x.tolist() for x in run_pairs(buckets, cap=3))))
    assert pairs == {(0, 1), (0, 2), (1, 2), (4, 5), (4, 6), (4, 7)}  # the 4-run is a star


def test_whole_runs_never_split_a_run_across_chunks() -> None:
    keys = [1, 1, 2, 2, 2, 2, 3, 4, 4, 4, 5]
    batches = [pa.RecordBatch.from_pydict({"k": keys[i : i + 2]}) for i in range(0, len(keys), 2)]
    chunks = [t.column("k").to_pylist() for t in whole_runs(iter(batches), "k", chunk_rows=3)]
    assert list(itertools.chain.from_iterable(chunks)) == keys
    assert all(chunk[-1] != nxt[0] for chunk, nxt in itertools.pairwise(chunks))
    assert len(chunks) > 1

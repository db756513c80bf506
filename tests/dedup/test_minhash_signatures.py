"""NumPy MinHash signatures and band keys against datasketch itself (no Spark)."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from operators.dedup.shingling import (
    ShingleSpec,
    batch_shingle_hashes,
    minhash_input32,
    shingle_hash64,
    shingles,
    tokens,
)
from operators.dedup.signatures import band_hashes, permutations, share_a_band, signatures

TEXTS = [
    "The quick brown fox jumps over the lazy dog, and the dog sleeps on.",
    "Short one",
    "",
    None,
    "Über naïve café: the quick brown fox jumps over the lazy dog again",
    "a b c d e f g h i j k l m n o p",
]


def _numpy_signatures(texts: list, spec: ShingleSpec, seed: int, scheme: str) -> np.ndarray:
    hashes, docs = batch_shingle_hashes(texts, spec)
    inputs = (hashes >> np.uint64(32)).astype(np.uint32)
    return signatures(inputs, docs, len(texts), permutations(128, seed, scheme))


def test_tokens_and_shingles_follow_the_documented_rules() -> None:
    assert tokens("Hello, World! it's", ShingleSpec()) == ["hello", "world", "it", "s"]
    assert tokens("Ab  c", ShingleSpec(unit="char", n=2)) == ["a", "b", " ", "c"]
    assert shingles("one two", ShingleSpec(n=5)) == {("one", "two")}
    assert shingles("", ShingleSpec()) == set()
    assert shingles("a b c a b c", ShingleSpec(n=3)) == {("a", "b", "c"), ("b", "c", "a"), ("c", "a", "b")}


@pytest.mark.parametrize("spec", [ShingleSpec(), ShingleSpec(unit="char", n=4), ShingleSpec(n=1)])
def test_batch_hashes_equal_the_scalar_hash_of_each_shingle(spec: ShingleSpec) -> None:
    hashes, docs = batch_shingle_hashes(TEXTS, spec)
    for i, text in enumerate(TEXTS):
        assert set(hashes[docs == i].tolist()) == {shingle_hash64(s) for s in shingles(text, spec)}


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
@pytest.mark.parametrize("seed", [1, 42])
def test_signatures_are_bit_identical_to_datasketch(scheme: str, seed: int) -> None:
    spec = ShingleSpec()
    ours = _numpy_signatures(TEXTS, spec, seed, scheme)
    for i, text in enumerate(TEXTS):
        theirs = MinHash(num_perm=128, seed=seed, scheme=scheme, hashfunc=minhash_input32)
        theirs.update_batch(list(shingles(text, spec)))
        assert np.array_equal(ours[i], theirs.hashvalues.astype(np.uint32))


def test_bucket_ids_and_band_check_agree_with_datasketch_lsh_buckets() -> None:
    base = [f"word{i}" for i in range(60)]
    variants = [" ".join(base)] + [" ".join(base[:k] + ["changed"] + base[k + 1 :]) for k in (5, 30, 55)]
    spec = ShingleSpec()
    sig = _numpy_signatures(variants, spec, 1, "affine32")
    lsh = MinHashLSH(num_perm=128, params=(16, 8))
    for i, text in enumerate(variants):
        mh = MinHash(num_perm=128, seed=1, hashfunc=minhash_input32)
        mh.update_batch(list(shingles(text, spec)))
        lsh.insert(f"doc{i}", mh)
    stored = {i: lsh.keys.get(f"doc{i}") for i in range(len(variants))}  # per band: its key
    ids = band_hashes(sig, 16, 8)
    seen_same = seen_different = False
    for x in range(len(variants)):
        for y in range(x + 1, len(variants)):
            same = [stored[x][b] == stored[y][b] for b in range(16)]
            assert [ids[x, b] == ids[y, b] for b in range(16)] == same
            assert share_a_band(sig[[x]], sig[[y]], 16, 8)[0] == any(same)
            seen_same, seen_different = seen_same or any(same), seen_different or not all(same)
    assert seen_same and seen_different  # both outcomes really occur among these pairs
    assert len({ids[0, b] for b in range(16)}) == 16  # the band index is part of the bucket id


@pytest.mark.slow
def test_a_5mb_document_is_hashed_in_bounded_blocks() -> None:
    words = " ".join(f"w{i % 50_021}x{i % 7}" for i in range(700_000))
    text = words[: 5 * 1024 * 1024]
    spec = ShingleSpec()
    hashes, docs = batch_shingle_hashes([text], spec)
    inputs = (hashes >> np.uint64(32)).astype(np.uint32)
    tracemalloc.start()
    sig = signatures(inputs, docs, 1, permutations(128, 1, "affine32"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # A full shingles x 128 uint32 matrix would need len(inputs) * 512 bytes (~350 MB).
    assert peak < 40 * 1024 * 1024 < len(inputs) * 512
    reference = MinHash(num_perm=128, seed=1, hashfunc=minhash_input32)
    all_shingles = list(shingles(text, spec))
    for start in range(0, len(all_shingles), 50_000):  # datasketch keeps the min across calls
        reference.update_batch(all_shingles[start : start + 50_000])
    assert np.array_equal(sig[0], reference.hashvalues.astype(np.uint32))

"""No credential survives URI sanitising, in Python or in the Spark column twin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from provenance.uri import sanitize_uri

CANARY = "CANARY7f3a9c"

# (raw, expected) pairs written by hand; each raw form hides the canary in a credential spot.
CASES = [
    (
        f"https://alice:{CANARY}@data.example.com:8443/a/b.parquet?sig={CANARY}#frag",
        "https://data.example.com:8443/a/b.parquet",
    ),
    (
        f"s3://AKIA{CANARY}:secret{CANARY}@bucket/key/part-0.parquet",
        "s3://bucket/key/part-0.parquet",
    ),
    (
        f"s3a://bucket/key/x.parquet?X-Amz-Signature={CANARY}&X-Amz-Credential={CANARY}",
        "s3a://bucket/key/x.parquet",
    ),
    (f"gs://{CANARY}@bucket/p/q.json", "gs://bucket/p/q.json"),
    (
        f"abfss://container@acct.dfs.core.windows.net/p/f.csv?sv=2022&sig={CANARY}",
        "abfss://container@acct.dfs.core.windows.net/p/f.csv",
    ),
    (
        f"abfss://container:{CANARY}@acct.dfs.core.windows.net/p",
        "abfss://acct.dfs.core.windows.net/p",
    ),
    (f"wasbs://c@a.blob.core.windows.net/x#{CANARY}", "wasbs://c@a.blob.core.windows.net/x"),
    (f"file:/data/lake/t/part-0.parquet?token={CANARY}", "file:/data/lake/t/part-0.parquet"),
    (f"file:///data/lake/t#{CANARY}", "file:///data/lake/t"),
    (f"/data/lake/t.csv?sig={CANARY}", "/data/lake/t.csv"),
    (f"relative/t.json#{CANARY}", "relative/t.json"),
    (f"git{CANARY}@github.com:org/repo.git", "github.com:org/repo.git"),
    (f"https://u:{CANARY}/x@host.example/path", "https://host.example/path"),
    (f"HTTP://{CANARY}@Host.example/x", "http://Host.example/x"),
]

KEPT = [
    "s3://bucket/emails/a@b.json",
    "https://host.example:8443/a/b@c",
    "abfss://container@acct.dfs.core.windows.net/p",
    "C:\\data\\lake\\t.csv",
    "http://[::1]:8080/x",
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_credentials_queries_and_fragments_are_removed(raw: str, expected: str) -> None:
    clean = sanitize_uri(raw)
    assert CANARY not in clean
    assert clean == expected


@pytest.mark.parametrize("uri", KEPT)
def test_addresses_without_secrets_are_kept(uri: str) -> None:
    assert sanitize_uri(uri) == uri


def test_sanitising_is_idempotent() -> None:
    for raw, _ in CASES:
        once = sanitize_uri(raw)
        assert sanitize_uri(once) == once


def test_spark_column_twin_agrees_for_file_paths(spark: Any) -> None:
    from pyspark.sql import functions as F

    from provenance.columns import sanitized_path

    scheme_cases = [
        (raw, exp) for raw, exp in CASES if "://" in raw and "/x@" not in raw and "HTTP" not in raw
    ]
    df = spark.createDataFrame([(raw,) for raw, _ in scheme_cases], "raw string")
    got = [r[0] for r in df.select(sanitized_path(F.col("raw"))).collect()]
    assert got == [exp for _, exp in scheme_cases]


def test_file_refs_from_spark_metadata_carry_no_query(spark: Any, tmp_path: Path) -> None:
    from provenance.columns import attach_provenance
    from provenance.policy import LicenseVerdict

    folder = tmp_path / "t"
    spark.range(3).coalesce(1).write.parquet(str(folder))
    (part,) = folder.glob("part-*.parquet")
    df = attach_provenance(spark.read.parquet(str(folder)), "src", LicenseVerdict("MIT", 0))
    refs = sorted(r["_src_ref"] for r in df.collect())
    assert refs == [f"file:{part}#{i}" for i in range(3)]

"""spark-submit entry point for scheduled runs.

    spark-submit --master spark://host:7077 --py-files dist/lakesift.zip jobs/run_recipe.py RECIPE [--set k=v]

The session comes from spark-submit (its master and resources); lakesift pins UTC on it.
Exit codes follow the CLI: 2 for user errors, 1 for internal ones.
"""

from __future__ import annotations

import argparse
import sys


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="run_recipe.py", description="Run a lakesift recipe under spark-submit.")
    parser.add_argument("recipe")
    parser.add_argument("--set", dest="overrides", action="append", default=[], help="key.path=value")
    parser.add_argument("--wait", type=float, default=0.0, help="seconds to wait for another run's lock")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from pyspark.sql import SparkSession

    from pipelines.progress import Reporter
    from pipelines.runner import run_recipe
    from schemas.errors import LakesiftError

    args = parse_args(sys.argv[1:] if argv is None else argv)
    spark = SparkSession.builder.getOrCreate()
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.sparkContext.setLogLevel("ERROR")
    try:
        result = run_recipe(args.recipe, args.overrides, spark=spark, reporter=Reporter(), wait_seconds=args.wait)
    except LakesiftError as exc:
        for line in exc.lines():
            print(f"error: {line}", file=sys.stderr)
        return exc.exit_code
    finally:
        spark.stop()
    print(f"published run {result.run_id}: {result.tables}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Finding a verified rebuild recipe for a (parent, child) edge.

Views, cheapest first (``find``): the plain projection (when row counts match or the tables are
duplicates); a one-column predicate inferred from the child's exact stats (``IN`` for a few
distinct values, else ``BETWEEN`` min and max; columns whose profiled range or distinct count is
narrower than the parent's first); the projection with duplicates removed. Else a membership
index of the child's row fingerprints (``find_membership``; the plan builds it only when the drop
still pays once the index's storage is priced in). Each candidate's Spark SQL is run and accepted
only when its row count and multiset fingerprint equal the child's; a ``DISTINCT`` variant is
tried when the candidate returned too many rows and the child has no duplicate rows. All
predicate candidates are probed in one scan of the parent (per-candidate counts and hash sums),
and only a match is re-run as the emitted SQL.

Tables are read as Parquet by their profiled path, exactly as the emitted recipes read them, with
their profiled column types (partition columns' types are otherwise inferred from folders). The
membership index is persisted through ``ctx.persist`` (the runner's sub-stage store); without a
checkpoint there is nowhere to pin it, so that method is then unavailable.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from operators.base import StageContext
from operators.redundancy.lake_graph import Edge, TableInfo
from operators.redundancy.predicates import filter_columns, predicates_from_stats, stats_request
from operators.redundancy.recipe_spec import (
    FP_COLUMN,
    Predicate,
    ProjectedColumn,
    RecipeSpec,
    Source,
    predicate_sql,
    render_probe,
    render_select,
)
from operators.redundancy.spark_checks import (
    Fingerprint,
    column_stats,
    multiset_fingerprint,
    persisted_source,
    probe_fingerprints,
    table_snapshot,
    table_source,
    typed_columns,
)
from operators.redundancy.sql import fingerprint, ident, view_name


@dataclass(frozen=True)
class RecipeSettings:
    max_in_values: int = 16
    max_predicate_columns: int = 4
    max_predicate_attempts: int = 6


@dataclass(frozen=True)
class FoundRecipe:
    spec: RecipeSpec
    parent: Source
    child: Source
    select_duckdb: str
    select_spark: str
    index_bytes: int = 0


@dataclass
class RecipeFinder:
    """Verifies recipes with Spark; caches sources and child fingerprints across edges."""

    ctx: StageContext
    tables: Mapping[str, TableInfo]
    settings: RecipeSettings = field(default_factory=RecipeSettings)
    _sources: dict[str, Source] = field(default_factory=dict)
    _prints: dict[str, Fingerprint] = field(default_factory=dict)
    _is_set: dict[str, bool] = field(default_factory=dict)
    _index_bytes: dict[str, int] = field(default_factory=dict)

    def source(self, table_id: str) -> Source:
        """The table's files and version (read from Spark's listing once)."""
        if table_id not in self._sources:
            info = self.tables[table_id]
            self._sources[table_id] = table_source(self.ctx.spark, info.path, bool(info.partition_columns))
        return self._sources[table_id]

    def target(self, child: str) -> Fingerprint:
        """The child's multiset fingerprint (its source is recorded in the same pass)."""
        if child not in self._prints:
            info = self.tables[child]
            typed = [(c.name, c.spark_type) for c in info.columns]
            src, print_ = table_snapshot(self.ctx.spark, info.path, typed, bool(info.partition_columns))
            self._sources[child], self._prints[child] = src, print_
        return self._prints[child]

    def child_frame(self, child: str) -> Any:
        """The child's rows, read the way its rebuild recipes read tables (Parquet by path), with
        the profiled column types (the types its recipes produce)."""
        info = self.tables[child]
        typed = [(c.name, c.spark_type) for c in info.columns]
        return self.ctx.spark.read.parquet(info.path).select(*typed_columns(typed))

    def columns(self, edge: Edge) -> tuple[ProjectedColumn, ...]:
        parent, child = self.tables[edge.parent], self.tables[edge.child]
        return tuple(ProjectedColumn(c, child.column(c).spark_type, p, parent.column(p).spark_type)
                     for c, p in edge.column_map)

    def find(self, edge: Edge) -> FoundRecipe | None:
        """A verified view (projection or predicate) rebuilding ``edge.child`` from
        ``edge.parent``, or None; see :meth:`find_membership` for the index method."""
        parent, child = self.tables[edge.parent], self.tables[edge.child]
        cols = self.columns(edge)
        plain = RecipeSpec("duplicate" if edge.duplicate else "projection", cols)
        if edge.duplicate or parent.num_rows == child.num_rows:
            found = self._verify(plain, edge)
            if found is not None:
                return found
        found = self._by_predicate(edge, plain)
        if found is None and child.num_rows < parent.num_rows:
            found = self._verify(RecipeSpec("projection", cols, distinct=True), edge)
        return found

    def _run(self, spec: RecipeSpec, edge: Edge) -> tuple[Fingerprint, str, str] | None:
        parent_src = self.source(edge.parent)
        spark_sql = render_select(spec, parent_src, "spark")
        duck_sql = render_select(spec, parent_src, "duckdb")
        if spark_sql is None or duck_sql is None:
            return None
        try:
            return multiset_fingerprint(self.ctx.spark.sql(spark_sql)), spark_sql, duck_sql
        except Exception as exc:  # noqa: BLE001 - a recipe Spark cannot run is a rejected candidate
            self.ctx.report(f"recipe for {edge.child} from {edge.parent} failed: {exc}")
            return None

    def _verify(self, spec: RecipeSpec, edge: Edge, distinct_retry: bool = False) -> FoundRecipe | None:
        ran = self._run(spec, edge)
        if ran is None:
            return None
        got, spark_sql, duck_sql = ran
        target = self.target(edge.child)
        if got == target:
            index_bytes = self._index_bytes.get(spec.index.path, 0) if spec.index else 0
            return FoundRecipe(spec, self.source(edge.parent), self._sources[edge.child],
                               duck_sql, spark_sql, index_bytes)
        if distinct_retry and got[0] > target[0] and self._child_is_set(edge.child):
            return self._verify(spec.with_distinct(), edge)
        return None

    def _child_is_set(self, child: str) -> bool:
        if child not in self._is_set:
            self._is_set[child] = self.child_frame(child).distinct().count() == self.target(child)[0]
        return self._is_set[child]

    def _by_predicate(self, edge: Edge, plain: RecipeSpec) -> FoundRecipe | None:
        """Probe every inferred predicate in one parent scan; verify the ones that match."""
        preds = list(self._predicates(edge))[: self.settings.max_predicate_attempts]
        conds = [predicate_sql(p, "spark") for p in preds]
        specs = [RecipeSpec("predicate", plain.columns, p) for p, c in zip(preds, conds) if c]
        probe = render_probe(plain, self.source(edge.parent), [c for c in conds if c])
        if probe is None:
            return None
        target = self.target(edge.child)
        prints = probe_fingerprints(self.ctx.spark, probe, len(specs))
        for spec, got in zip(specs, prints):
            found = self._verify(spec, edge) if got == target else None
            if found is not None:
                return found
        wider = [s for s, got in zip(specs, prints) if got[0] > target[0]][:2]
        if wider and self._child_is_set(edge.child):
            for spec in wider:
                found = self._verify(spec.with_distinct(), edge)
                if found is not None:
                    return found
        return None

    def _predicates(self, edge: Edge) -> Iterator[Predicate]:
        parent, child = self.tables[edge.parent], self.tables[edge.child]
        columns = filter_columns(edge, parent, child, self.settings.max_predicate_columns)
        few = self.settings.max_in_values
        stats = column_stats(self.child_frame(child.table_id), stats_request(columns, few), few)
        return predicates_from_stats(columns, stats)

    def _index_fingerprint(self, edge: Edge) -> str | None:
        cols = self.columns(edge)
        return fingerprint([(ident(c.child, "spark"), c.child_type) for c in cols], "spark")

    def can_index(self, edge: Edge) -> bool:
        """Whether a membership index can be built for the edge (fingerprintable columns and a
        sub-stage store to pin it in)."""
        return self.ctx.checkpoint is not None and self._index_fingerprint(edge) is not None

    def find_membership(self, edge: Edge) -> FoundRecipe | None:
        """Persist the child's row fingerprints as an index and rebuild by membership in it."""
        fp, cols = self._index_fingerprint(edge), self.columns(edge)
        if fp is None or self.ctx.checkpoint is None:
            return None
        from pyspark.sql import functions as F

        version = self.source(edge.parent).version
        name = f"membership_index__{view_name(edge.child)}__from__{view_name(edge.parent)}"
        frame = self.child_frame(edge.child)
        persisted = self.ctx.persist(name, lambda: frame.select(F.expr(fp).alias(FP_COLUMN)).distinct()
                                     .withColumn("parent_version", F.lit(version)).coalesce(1))
        found = persisted_source(self.ctx.spark, persisted)
        if found is None:
            return None
        self._index_bytes[found[0].path] = found[1]
        return self._verify(RecipeSpec("membership_index", cols, index=found[0]), edge, distinct_retry=True)

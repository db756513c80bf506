"""The runner: one SparkSession, steps in order, persisted stages, publish protocol, lineage.

``run_recipe`` is the single entry point used by the CLI and the spark-submit job scripts.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from operators.base import MAIN, REJECTS, OpContext, StageContext, as_outputs
from pipelines import publish
from pipelines.catalog import CATALOG_NAME, build_catalog
from pipelines.faults import crash_point
from pipelines.inputs import input_files, list_data_files, read_input, snapshot_files, snapshot_hash
from pipelines.lineage import emit_event, now_iso, sanitize_text, write_lineage
from pipelines.lock import OutputLock
from pipelines.progress import Reporter
from pipelines.recipe import CompiledRecipe, CompiledStep, load_recipe
from pipelines.row_provenance import ProvenanceResolver
from pipelines.stages import StageStore
from schemas.errors import InvariantError, LakesiftError, UserError

PACKAGES = ("schemas", "operators", "profiling", "provenance", "pipelines", "jobs")


@dataclass
class RunResult:
    output_dir: Path
    run_id: str
    run_dir: Path
    tables: dict[str, int] = field(default_factory=dict)
    rejects: dict[str, dict[str, int]] = field(default_factory=dict)
    reused: bool = False


def code_version() -> str:
    """Hash of the project's own source files: a code change means a new run id."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for pkg in PACKAGES:
        for f in sorted((root / pkg).rglob("*.py")):
            digest.update(str(f.relative_to(root)).encode())
            digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def input_snapshot(compiled: CompiledRecipe) -> list[dict[str, Any]]:
    recipe = compiled.recipe
    snap: list[dict[str, Any]] = [{"input": i.name, "files": snapshot_files(input_files(i))} for i in recipe.inputs]
    if recipe.lake is not None:
        root = Path(recipe.lake.root)
        files = [f for fmt in recipe.lake.formats for f in list_data_files(root, fmt)]
        snap.append({"lake": str(root), "files": snapshot_files(sorted(files))})
    return snap


def compute_run_id(compiled: CompiledRecipe, snapshot: list[dict[str, Any]]) -> str:
    parts = [compiled.fingerprint(), snapshot_hash(snapshot), code_version()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def run_recipe(
    recipe_path: str | Path,
    overrides: list[str] | None = None,
    spark: Any = None,
    master: str | None = None,
    reporter: Reporter | None = None,
    wait_seconds: float = 0.0,
) -> RunResult:
    """Validate, run and publish a recipe; a rerun over unchanged inputs is a no-op."""
    compiled = load_recipe(recipe_path, overrides)
    reporter = reporter or Reporter()
    output = compiled.output
    output.mkdir(parents=True, exist_ok=True)
    with OutputLock(output, wait_seconds=wait_seconds) as lock:
        snapshot = input_snapshot(compiled)
        run_id = compute_run_id(compiled, snapshot)
        run_dir = output / "runs" / run_id
        if (run_dir / publish.DONE).is_file():
            return _reuse(output, run_id, run_dir, reporter)
        own_session = spark is None
        session = spark or _session(compiled, master)
        try:
            run = _Run(compiled, session, run_id, run_dir, snapshot, reporter, lock)
            return run.execute()
        finally:
            if own_session:
                session.stop()


def _session(compiled: CompiledRecipe, master: str | None) -> Any:
    from pipelines.session import build_spark_session

    s = compiled.recipe.spark
    return build_spark_session(master or s.master, s.app_name or f"lakesift:{compiled.recipe.name}", s.conf)


def _reuse(output: Path, run_id: str, run_dir: Path, reporter: Reporter) -> RunResult:
    import json

    if publish.current_run(output) != run_id:
        publish.point_current(output, run_id)
        publish.install_catalog(output, run_dir / CATALOG_NAME)
    manifest = json.loads((run_dir / "manifest.json").read_text())
    reporter.event("run_reused", run_id=run_id, output=str(output))
    tables = {t: int(i["rows"]) for t, i in manifest["tables"].items()}
    return RunResult(output, run_id, run_dir, tables, reused=True)


class _Run:
    """State of one run while it executes."""

    def __init__(self, compiled: CompiledRecipe, spark: Any, run_id: str, run_dir: Path,
                 snapshot: list[dict[str, Any]], reporter: Reporter, lock: OutputLock) -> None:
        self.c, self.spark, self.run_id, self.run_dir = compiled, spark, run_id, run_dir
        self.snapshot, self.reporter, self.lock = snapshot, reporter, lock
        self.store = StageStore(spark, run_dir / "stages")
        self.tables: dict[str, Any] = {}
        self.rows: dict[str, int] = {}
        self.steps_lineage: list[dict[str, Any]] = []
        self.reject_counts: dict[str, dict[str, int]] = {}
        self.ol_run_id = str(uuid.UUID(run_id[:32].ljust(32, "0")))
        self.started = now_iso()
        self.provenance = ProvenanceResolver(compiled)
        self.lake: Any = None

    @property
    def job_name(self) -> str:
        return self.c.recipe.name

    def execute(self) -> RunResult:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        ol_path = self.run_dir / "openlineage.jsonl"
        emit_event(ol_path, "START", self.ol_run_id, self.job_name)
        self.reporter.event("run_start", run_id=self.run_id, recipe=self.c.recipe.name, output=str(self.c.output))
        try:
            self._load_inputs()
            self._run_steps()
            result = self._publish(ol_path)
        except BaseException as exc:
            emit_event(ol_path, "FAIL", self.ol_run_id, self.job_name, error=f"{type(exc).__name__}: {exc}")
            self.reporter.event("run_failed", run_id=self.run_id, error=sanitize_text(str(exc))[:500])
            raise
        self.reporter.event("run_published", run_id=self.run_id, tables=result.tables)
        self._write_report()
        return result

    def _write_report(self) -> None:
        """The run's HTML report; a failure here never un-publishes a run."""
        try:
            from pipelines.report import build_report

            path = build_report(self.c.output, self.run_id)
            self.reporter.event("report_written", path=str(path))
        except Exception as exc:  # noqa: BLE001 - the report is a convenience, the run is already published
            self.reporter.event("report_failed", error=sanitize_text(f"{type(exc).__name__}: {exc}")[:300])

    # -- inputs -------------------------------------------------------------------------------
    def _load_inputs(self) -> None:
        for spec in self.c.recipe.inputs:
            step = f"_input_{spec.name}"
            if self.store.marker(step) is None:
                df = self.provenance.attach(read_input(self.spark, spec), spec)
                self.store.write(step, {MAIN: df})
            self._register(spec.name, step)
        if self.c.recipe.lake is not None:
            self._load_lake()

    def _load_lake(self) -> None:
        from pipelines.lake import LakeAccess

        self.lake = LakeAccess(self.spark, self.c.recipe.lake)
        if self.store.marker("_lake") is None:
            self.store.write("_lake", self.lake.profile(self.reporter.stage_progress("_lake")))
        outputs = self.store.read("_lake")
        self.lake.use_profiles(outputs)
        for name, df in outputs.items():
            self.tables[name] = df
            self.rows[name] = self.store.marker("_lake")["outputs"][name]["rows"]  # type: ignore[index]

    def _register(self, name: str, step: str) -> dict[str, Any]:
        marker = self.store.marker(step)
        assert marker is not None
        outputs = self.store.read(step)
        self.tables[name] = outputs.get(MAIN)
        self.rows[name] = marker["outputs"].get(MAIN, {}).get("rows", 0)
        for out, df in outputs.items():
            if out != MAIN:
                self.tables[f"{name}.{out}"] = df
                self.rows[f"{name}.{out}"] = marker["outputs"][out]["rows"]
        return marker

    # -- steps --------------------------------------------------------------------------------
    def _default_input(self, index: int) -> str | None:
        if index > 0:
            return self.c.steps[index - 1].name
        if self.c.recipe.inputs:
            return self.c.recipe.inputs[0].name
        return "table_profiles" if self.c.recipe.lake else None

    def _run_steps(self) -> None:
        total = len(self.c.steps)
        for i, step in enumerate(self.c.steps):
            source = step.input or self._default_input(i)
            self.reporter.event("stage_start", step=step.name, op=step.op, index=i + 1, total=total)
            if self.store.marker(step.name) is not None:
                self.reporter.event("stage_reused", step=step.name)
            else:
                self._execute_step(step, source)
            self.lock.refresh()
            crash_point("after_stage")
            marker = self._register(step.name, step.name)
            self._record_step(step, source, marker)

    def _execute_step(self, step: CompiledStep, source: str | None) -> None:
        op = step.operator
        df = self.tables.get(source) if source else None
        started = time.monotonic()
        try:
            if op.kind == "stage":
                result = op.run(df, self._stage_context(step))
            else:
                result = op.transform(df, OpContext(step=step.name, seed=self.c.recipe.seed, tables=self.tables))
        except LakesiftError:
            raise
        except Exception as exc:
            raise _as_user_error(step, exc) from exc
        outputs = as_outputs(result)
        rows_in = self.rows.get(source, 0) if source else 0
        marker = self.store.write(step.name, outputs, split=op.kind == "filter", meta={"rows_in": rows_in, "source": source})
        self._check_accounting(step, rows_in, marker)
        self.reporter.event("stage_done", step=step.name, seconds=time.monotonic() - started,
                            rows={k: v["rows"] for k, v in marker["outputs"].items()})

    def _stage_context(self, step: CompiledStep) -> StageContext:
        read_table = self.lake.read_table if self.lake is not None else None
        return StageContext(
            step=step.name, seed=self.c.recipe.seed, tables=self.tables, spark=self.spark,
            read_table=read_table, checkpoint=self.store.checkpoint(step.name),
            progress=self.reporter.stage_progress(step.name),
        )

    def _check_accounting(self, step: CompiledStep, rows_in: int, marker: dict[str, Any]) -> None:
        outs = marker["outputs"]
        kept = outs.get(MAIN, {}).get("rows", 0)
        rejected = outs.get(REJECTS, {}).get("rows", 0)
        mode = step.operator.accounting
        ok = mode == "none" or (mode == "preserve" and kept == rows_in) or (mode == "filter" and kept + rejected == rows_in)
        if not ok:
            raise InvariantError(
                f"row accounting broke at step '{step.name}' ({mode}): in={rows_in}, kept={kept}, rejected={rejected}; nothing published"
            )

    def _record_step(self, step: CompiledStep, source: str | None, marker: dict[str, Any]) -> None:
        outs = marker["outputs"]
        if REJECTS in outs and outs[REJECTS]["rows"]:
            self.reject_counts[step.name] = self._reasons(step.name)
        self.steps_lineage.append({
            **step.operator.describe(), "step": step.name, "op": step.op, "input": source,
            "rows_in": marker.get("rows_in"), "rows": {k: v["rows"] for k, v in outs.items()},
            "seconds": marker.get("seconds"),
        })

    def _reasons(self, step: str) -> dict[str, int]:
        from pyspark.sql import functions as F

        df = self.tables[f"{step}.{REJECTS}"]
        if "_reject_reason" not in df.columns:
            return {"unspecified": self.rows[f"{step}.{REJECTS}"]}
        rows = df.groupBy("_reject_reason").agg(F.count(F.lit(1)).alias("n")).collect()
        return {str(r["_reject_reason"]): int(r["n"]) for r in rows}

    def _filter_funnel(self) -> Any:
        """Rows in/out per step and per reject reason, for every curation run with a filter."""
        if not any(s.operator.accounting == "filter" for s in self.c.steps):
            return None
        rows = []
        for entry in self.steps_lineage:
            kept = int(entry["rows"].get(MAIN, 0))
            reasons = self.reject_counts.get(entry["step"]) or {None: 0}
            for reason, n in sorted(reasons.items(), key=lambda kv: str(kv[0])):
                rows.append((entry["step"], entry["op"], entry.get("rows_in"), kept, reason, int(n)))
        ddl = "step string, op string, rows_in long, rows_kept long, reason string, rows_rejected long"
        return self.spark.createDataFrame(rows, ddl).coalesce(1)

    # -- publish ------------------------------------------------------------------------------
    def _publish_plan(self) -> dict[str, str]:
        if self.c.recipe.publish:
            return {p.table: p.source for p in self.c.recipe.publish}
        plan: dict[str, str] = {}
        if self.c.steps:
            plan[self.c.recipe.name] = self.c.steps[-1].name
        for key in sorted(self.tables):
            if "." in key and not key.endswith(f".{REJECTS}"):
                name = key.split(".", 1)[1]
                plan[name if name not in plan else key.replace(".", "__")] = key
        return plan

    def _publish(self, ol_path: Path) -> RunResult:
        from pipelines.publish_meta import build_lineage, check_provenance, table_licenses

        data_dir = self.run_dir / "data"
        tables: dict[str, dict[str, Any]] = {}
        for table, ref in self._publish_plan().items():
            df = self.tables.get(ref)
            if df is None:
                raise UserError(f"publish: '{ref}' produced no table")
            cols = publish.write_table(df, data_dir / table, self.rows[ref], table)
            tables[table] = {"source": ref, "columns": cols, "schema": df.schema.json()}
            crash_point("after_data_parts")
        funnel = self._filter_funnel()
        if funnel is not None:
            cols = publish.write_table(funnel, data_dir / "filter_funnel", funnel.count(), "filter_funnel")
            tables["filter_funnel"] = {"source": "(runner)", "columns": cols, "schema": funnel.schema.json()}
        rejects = sorted(self.reject_counts)
        for step in rejects:
            publish.copy_rejects(self.run_dir / "stages" / step / REJECTS, self.run_dir / "rejects" / step)
        manifest = publish.write_manifest(self.run_dir, tables, rejects)
        crash_point("after_manifest")
        check_provenance(self.run_dir, manifest)
        licenses = table_licenses(self.run_dir, manifest)
        lineage = build_lineage(self, manifest, licenses)
        write_lineage(self.run_dir / "lineage.json", lineage)
        emit_event(ol_path, "COMPLETE", self.ol_run_id, self.job_name, lineage=lineage, run_dir=self.run_dir)
        build_catalog(self.run_dir / CATALOG_NAME, self.run_dir, manifest, lineage)
        publish.mark_done(self.run_dir)
        crash_point("before_current")
        publish.point_current(self.c.output, self.run_id)
        publish.install_catalog(self.c.output, self.run_dir / CATALOG_NAME)
        counts = {t: int(i["rows"]) for t, i in manifest["tables"].items()}
        return RunResult(self.c.output, self.run_id, self.run_dir, counts, self.reject_counts)


def _as_user_error(step: CompiledStep, exc: Exception) -> LakesiftError:
    """Spark analysis errors (unknown columns, type mismatches) are the recipe's fault."""
    name = type(exc).__name__
    if name in ("AnalysisException", "IllegalArgumentException", "ParseException"):
        first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else name
        return UserError(f"step '{step.name}' ({step.op}): {first}")
    return LakesiftError(f"step '{step.name}' ({step.op}) failed: {name}: {str(exc)[:300]}")

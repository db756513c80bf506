"""Lineage writers: ``lineage.json`` and offline OpenLineage RunEvents (``openlineage.jsonl``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from provenance.uri import sanitize_uri

PRODUCER = "https://lakesift.dev/lakesift"
NAMESPACE = "lakesift"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _client(path: Path) -> Any:
    from openlineage.client import OpenLineageClient
    from openlineage.client.transport.file import FileConfig, FileTransport

    return OpenLineageClient(transport=FileTransport(FileConfig(log_file_path=str(path), append=True)))


def _schema_facet(schema_json: str) -> Any:
    from openlineage.client.generated.schema_dataset import (
        SchemaDatasetFacet,
        SchemaDatasetFacetFields,
    )

    fields = json.loads(schema_json).get("fields", []) if schema_json not in ("", "{}") else []
    return SchemaDatasetFacet(fields=[
        SchemaDatasetFacetFields(name=f["name"], type=f["type"] if isinstance(f["type"], str) else json.dumps(f["type"]))
        for f in fields
    ])


def _column_lineage(columns: list[str], inputs: list[dict[str, Any]]) -> Any:
    """Identity lineage for columns that exist under the same name in an input."""
    from openlineage.client.generated.column_lineage_dataset import (
        ColumnLineageDatasetFacet,
        Fields,
        InputField,
    )

    fields = {}
    for col in columns:
        sources = [InputField(namespace=NAMESPACE, name=i["uri"], field=col) for i in inputs if col in i.get("columns", [])]
        if sources:
            fields[col] = Fields(inputFields=sources, transformationDescription="passed through or filtered", transformationType="IDENTITY")
    return ColumnLineageDatasetFacet(fields=fields)


def _inputs(lineage: dict[str, Any]) -> list[Any]:
    from openlineage.client.event_v2 import InputDataset

    return [InputDataset(namespace=NAMESPACE, name=i["uri"]) for i in lineage.get("inputs", [])]


def _outputs(lineage: dict[str, Any], run_dir: Path) -> list[Any]:
    from openlineage.client.event_v2 import OutputDataset
    from openlineage.client.generated.output_statistics_output_dataset import (
        OutputStatisticsOutputDatasetFacet,
    )

    out = []
    for table, info in lineage.get("tables", {}).items():
        facets: dict[str, Any] = {
            "schema": _schema_facet(info.get("schema", "{}")),
            "columnLineage": _column_lineage(info.get("columns", []), lineage.get("inputs", [])),
        }
        extra = info.get("facets", {})
        facets.update(extra)
        stats = OutputStatisticsOutputDatasetFacet(rowCount=info.get("rows"), size=info.get("bytes"), fileCount=info.get("file_count"))
        out.append(OutputDataset(namespace=NAMESPACE, name=str(run_dir / "data" / table), facets=facets, outputFacets={"outputStatistics": stats}))
    return out


def emit_event(path: Path, state: str, run_id_uuid: str, job_name: str, lineage: dict[str, Any] | None = None, run_dir: Path | None = None, error: str | None = None) -> None:
    """Append one RunEvent (START, COMPLETE or FAIL) to ``path``."""
    from openlineage.client.event_v2 import Job, Run, RunEvent, RunState
    from openlineage.client.generated.error_message_run import ErrorMessageRunFacet

    run_facets: dict[str, Any] = {}
    if error:
        run_facets["errorMessage"] = ErrorMessageRunFacet(message=sanitize_text(error), programmingLanguage="python")
    event = RunEvent(
        eventType=getattr(RunState, state), eventTime=now_iso(),
        run=Run(runId=run_id_uuid, facets=run_facets), job=Job(namespace=NAMESPACE, name=job_name),
        producer=PRODUCER,
        inputs=_inputs(lineage or {}), outputs=_outputs(lineage or {}, run_dir) if lineage and run_dir else [],
    )
    _client(path).emit(event)


def sanitize_text(text: str) -> str:
    """Strip credentials from any URI-looking words of a free text (error messages, logs)."""
    return " ".join(sanitize_uri(w) if "://" in w or "?" in w else w for w in text.split(" "))


def write_lineage(path: Path, lineage: dict[str, Any]) -> None:
    from pipelines.fsutil import atomic_write_json

    atomic_write_json(path, lineage)

"""One definition of a model's columns: every list of them follows ``RECORD_COLUMNS``."""

from __future__ import annotations

import dataclasses
from typing import Any

import peewee

from registry_tui import ModelRegistry
from registry_tui.db.legacy import TAG_SEPARATOR, clean_model
from registry_tui.db.listing_sql import Compiler
from registry_tui.db.schema import Models
from registry_tui.frames import COMPARE_COLUMNS, MODEL_COLUMNS
from registry_tui.ops.bundle import SPECS
from registry_tui.records import RECORD_COLUMNS, ModelRecord
from registry_tui.render.serialise import MODEL_FIELDS

NAMES = [c.name for c in RECORD_COLUMNS]
STORED = [c.name for c in RECORD_COLUMNS if c.stored]


def _record() -> ModelRecord:
    """A record whose every field holds a value unlike any other field's."""
    return ModelRecord(
        model_id=7, name="gpt", version="1.2.0", checkpoint_path="ckpt.pt", task_type="lm",
        config_hash="abc", training_run_id=11, parent_model_id=3,
        created_at="2026-01-01 12:00:00", metrics={"val_loss": 0.5}, export_formats=("onnx",),
        model_size_mb=256.5, memory_req_gb=4.0, metadata={"k": "v"}, status="retired",
        tags=("prod", "staging"),
    )  # fmt: skip


def test_record_columns_are_the_record_fields_in_order() -> None:
    """The definition is read off ModelRecord: its fields up to ``tags``, in order,
    each with its own place in the DataFrame; the dict form has exactly these keys."""
    fields = [f.name for f in dataclasses.fields(ModelRecord)]
    assert fields[: fields.index("tags") + 1] == NAMES
    assert sorted(c.frame for c in RECORD_COLUMNS) == list(range(len(RECORD_COLUMNS)))
    assert list(_record().to_dict(with_exports=False)) == NAMES
    assert list(_record().to_dict()) == [*NAMES, "exports"]


def test_dict_form_decodes_json_columns_by_kind() -> None:
    """JSON objects become dicts and lists of names lists; other values pass as they are."""
    data = _record().to_dict(with_exports=False)
    assert data["metrics"] == {"val_loss": 0.5} and type(data["metadata"]) is dict
    assert data["export_formats"] == ["onnx"] and data["tags"] == ["prod", "staging"]
    assert (data["model_size_mb"], data["parent_model_id"]) == (256.5, 3)


def test_every_list_of_model_columns_follows_the_definition() -> None:
    """The DataFrame, the CSV, the comparison frame and the bundle hold the defined
    columns: the frame all of them, the CSV all but metrics, a bundle row the stored ones."""
    assert sorted(MODEL_COLUMNS) == sorted(NAMES)
    assert [c.name for c in sorted(RECORD_COLUMNS, key=lambda c: c.frame)] == MODEL_COLUMNS
    assert list(MODEL_FIELDS) == [n for n in NAMES if n != "metrics"]
    assert set(COMPARE_COLUMNS) <= set(NAMES)
    spec = SPECS["models"]
    assert list(spec.columns) == STORED
    assert spec.ints == ("model_id", "training_run_id", "parent_model_id")
    assert spec.floats == ("model_size_mb", "memory_req_gb")
    assert dict(spec.json) == {"metrics": dict, "export_formats": list, "metadata": dict}


def test_listing_projection_selects_the_definition_in_order() -> None:
    """The listing SQL selects the columns of ``models`` in record order, tags where
    ``tags`` stands, on both backends."""
    for pg in (False, True):
        projection = Compiler(pg, trigram=False).projection
        head, _, tags = projection.partition(", (SELECT ")
        assert head.split(", ") == [f"m.{name}" for name in STORED]
        assert "model_tags" in tags and NAMES[-1] == "tags"


def test_a_row_of_the_projection_reads_back_as_the_record() -> None:
    """clean_model reads each field from its own position of the projection's row
    (a reader one place off would mix two fields)."""
    record = _record()
    stored: dict[str, Any] = {
        "metrics": '{"val_loss": 0.5}', "export_formats": '["onnx"]', "metadata": '{"k": "v"}',
        "tags": TAG_SEPARATOR.join(record.tags),
    }  # fmt: skip
    row = [stored.get(name, getattr(record, name)) for name in NAMES]
    fields, odd = clean_model(row)
    assert odd == {}
    assert ModelRecord(**fields) == record


def test_peewee_model_and_guide_table_hold_the_defined_columns(registry: ModelRegistry) -> None:
    """The guide's DDL (kept literal, as the guide wrote it) and the peewee model have
    the defined columns in order; the required ones are the table's NOT NULL ones."""
    assert [f for f in Models._meta.sorted_field_names if f != "version_key"] == STORED
    db = registry._storage.db
    if isinstance(db, peewee.PostgresqlDatabase):
        rows = db.execute_sql(
            "SELECT column_name, is_nullable = 'NO' FROM information_schema.columns "
            "WHERE table_name = 'models' AND table_schema = current_schema() "
            "ORDER BY ordinal_position"
        ).fetchall()
    else:
        info = db.execute_sql("PRAGMA table_info(models)").fetchall()
        rows = [(r[1], bool(r[3] or r[5])) for r in info]
    columns = [name for name, _ in rows if name != "version_key"]
    assert columns == STORED
    required = [name for name, not_null in rows if not_null]
    assert required == [c.name for c in RECORD_COLUMNS if c.required]

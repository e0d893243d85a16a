"""The records every face receives: one definition of a model's columns
(``RECORD_COLUMNS``, which every list of them follows) and queries parsed once."""

from __future__ import annotations

import dataclasses
from typing import Any

import peewee
import pytest

from registry_tui import ModelRegistry, ValidationError
from registry_tui.db.legacy import TAG_SEPARATOR, clean_model
from registry_tui.db.listing_sql import Compiler
from registry_tui.db.schema import Models
from registry_tui.frames import COMPARE_COLUMNS, MODEL_COLUMNS
from registry_tui.ops.bundle import SPECS
from registry_tui.query import Condition, SortKey
from registry_tui.records import RECORD_COLUMNS, Count, ModelQuery, ModelRecord
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
    assert spec.ints == ("model_id", "training_run_id", "parent_model_id", "params")
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


def test_a_query_is_parsed_when_it_is_made() -> None:
    """ModelQuery keeps the text as given and carries its parse: typed conditions and
    sort key, a single string taken as one condition."""
    query = ModelQuery(where=("val_loss < 0.4", "created_at > 7d"), order_by="-accuracy")
    assert query.where == ("val_loss < 0.4", "created_at > 7d")
    assert query.conditions == (Condition("val_loss", "<", 0.4), Condition("created_at", ">", "7d"))
    assert query.sort == SortKey("accuracy", descending=True)
    assert ModelQuery().conditions == () and ModelQuery().sort is None
    one: Any = "accuracy >= 0.8"
    assert ModelQuery(where=one).conditions == (Condition("accuracy", ">=", 0.8),)
    assert ModelQuery(where=one) == ModelQuery(where=("accuracy >= 0.8",))


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"where": ("val_loss <",)}, "Invalid condition 'val_loss <': the right side"),
        ({"where": (5,)}, "A condition must be a string like 'val_loss < 0.4', not 5"),
        ({"where": 5}, "where must be a string or a list of strings, not 5"),
        ({"order_by": "-"}, "Invalid sort key '-'"),
        ({"where": ("a < 1",) * 25}, "Too many conditions (25)"),
    ],
)
def test_a_bad_query_is_refused_when_it_is_made(fields: dict[str, Any], problem: str) -> None:
    """Text that does not parse is a one-line ValidationError at construction, worded as
    the parser words it, before any registry (or SQL) sees the query."""
    with pytest.raises(ValidationError) as caught:
        ModelQuery(**fields)
    assert str(caught.value).startswith(problem) and "\n" not in str(caught.value)


def test_listings_and_counts_read_the_parse_without_parsing_again(
    registry: ModelRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a query is made, its listing, its counts and its position parse nothing:
    the listing SQL takes the parsed conditions and sort key."""
    for index in range(3):
        registry.register_model(
            f"m{index}", "1.0.0", "ck.pt", "lm", verify_checkpoint=False,
            metrics={"val_loss": 0.1 * index, "accuracy": 0.5 + 0.1 * index},
        )  # fmt: skip
    query = ModelQuery(where=("val_loss < 0.15",), order_by="-accuracy")

    def refuse(*_: object) -> None:
        raise AssertionError("parsed again")

    for name in ("parse_condition", "parse_conditions", "parse_sort"):
        monkeypatch.setattr(f"registry_tui.query.{name}", refuse)
    assert [r.name for r in registry.records.query(query)] == ["m1", "m0"]
    assert registry.count_models(query) == 2
    assert registry.count_capped(query) == Count(2, True)
    assert (
        registry.records.position(query, registry.get_model(name="m0", version="1.0.0")["model_id"])
        == 1
    )

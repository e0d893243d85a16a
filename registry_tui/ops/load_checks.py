"""``load`` checks each row's values exactly as the API checks its arguments.

A bundle row that ``register_model``, ``promote_model`` or ``add_export_format``
would refuse (a blank name, a version that is not semantic, a metric that is not
a finite number, a tag with a space, a negative size ...), or that
``set_metric_direction`` or ``set_tag_policy`` would, is refused here too,
before anything is written, naming the row: otherwise it would be stored and
then shown, or crash, in ``list`` and the app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from registry_tui import validate, versions
from registry_tui.db.orphans import GUIDE_CHILDREN
from registry_tui.errors import ValidationError
from registry_tui.ops.bundle import BundleError

Check = Callable[[Any], object]

_MODEL_CHECKS: dict[str, Check] = {
    "name": validate.name,
    "version": versions.sort_key,
    "checkpoint_path": lambda v: validate.text(v, "checkpoint_path"),
    "task_type": lambda v: validate.text(v, "task_type"),
    "metrics": validate.metrics,
    "export_formats": lambda v: _tag_list(v),
    "model_size_mb": lambda v: validate.number(v, "model_size_mb"),
    "memory_req_gb": lambda v: validate.number(v, "memory_req_gb"),
    "params": lambda v: None if v is None else validate.count(v, "params"),
    "metadata": lambda v: validate.json_object(v, "metadata"),
    "status": lambda v: validate.text(v, "status"),
}
_TAG_CHECKS: dict[str, Check] = {"tag_name": validate.tag}
_EXPORT_CHECKS: dict[str, Check] = {
    "export_format": lambda v: validate.tag(v, "export format"),
    "export_path": lambda v: validate.text(v, "export_path"),
    "metadata": lambda v: validate.json_object(v, "metadata"),
}
CHECKS: dict[str, tuple[str, dict[str, Check]]] = {
    "models": ("model_id", _MODEL_CHECKS),
    "model_tags": ("tag_id", _TAG_CHECKS),
    "model_exports": ("export_id", _EXPORT_CHECKS),
    "metric_directions": ("metric", {"metric": validate.metric_name}),
    "tag_policies": ("tag", {"tag": validate.tag}),
    "legacy_orphans": ("orphan_id", {"source_table": lambda v: _orphan_source(v)}),
}


def _orphan_source(value: Any) -> None:
    if value not in GUIDE_CHILDREN:
        raise ValidationError(
            f"source_table must be one of {', '.join(sorted(GUIDE_CHILDREN))}, not {value!r}"
        )


def _tag_list(value: Any) -> None:
    if value is not None and not isinstance(value, list):
        raise ValidationError(f"export_formats must be a list of names, not {value!r}")
    validate.tags(value, "export format")


def check_values(tables: dict[str, list[dict[str, Any]]]) -> None:
    """Refuse the first row whose value the API would refuse (:class:`BundleError`)."""
    for table, (ident, checks) in CHECKS.items():
        for index, row in enumerate(tables.get(table, [])):
            for column, check in checks.items():
                value = row.get(column)
                if value is None and column not in ("name", "version"):
                    continue
                try:
                    check(value)
                except ValidationError as exc:
                    where = f"{table}[{index}] ({ident} {row.get(ident)!r})"
                    raise BundleError(f"Bad bundle row {where}: {exc}") from None

"""The bad-input catalogue, through the Python API and the CLI.

Every case must fail with a clear error of the documented type and leave the
database exactly as it was: the whole registry is dumped to a bundle before
and after, and the two must be equal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from registry_tui import ModelRegistry
from tests.faults.workers import cli

Call = Callable[[ModelRegistry, Path], Any]


def _deep(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels):
        value = {"a": value}
    return value


def _register(**overrides: Any) -> Call:
    def call(registry: ModelRegistry, tmp: Path) -> Any:
        args: dict[str, Any] = {
            "name": "new-model", "version": "1.0.0", "checkpoint_path": "/ckpt.pt",
            "task_type": "t", "verify_checkpoint": False,
        }  # fmt: skip
        args.update(overrides)
        for key, value in args.items():
            if callable(value):
                args[key] = value(tmp)
        return registry.register_model(**args)

    return call


def _directory(tmp: Path) -> str:
    (tmp / "a-directory").mkdir(exist_ok=True)
    return str(tmp / "a-directory")


def _dangling(tmp: Path) -> str:
    link = tmp / "dangling.pt"
    if not link.is_symlink():
        link.symlink_to(tmp / "gone.pt")
    return str(link)


API_CASES: dict[str, tuple[Call, type[Exception], str]] = {
    "version 1.0": (_register(version="1.0"), ValueError, "Invalid version '1.0'"),
    "version v1.0.0": (_register(version="v1.0.0"), ValueError, "Invalid version 'v1.0.0'"),
    "version 01.0.0": (_register(version="01.0.0"), ValueError, "Invalid version '01.0.0'"),
    "empty version": (_register(version=""), ValueError, "Invalid version ''"),
    "empty name": (_register(name=""), ValueError, "name must be a non-empty string"),
    "blank name": (_register(name="   "), ValueError, "name must be a non-empty string"),
    "10,000-character name": (_register(name="n" * 10_000), ValueError, "limit is 256"),
    "NUL in name": (_register(name="a\x00b"), ValueError, "NUL"),
    "lone surrogate in name": (_register(name="a\ud800"), ValueError, "surrogate"),
    "tag with a space": (_register(tags=["prod uction"]), ValueError, "Invalid tag"),
    "NaN metric": (_register(metrics={"acc": float("nan")}), ValueError, "'acc'"),
    "infinite metric": (_register(metrics={"acc": float("inf")}), ValueError, "'acc'"),
    "text metric": (_register(metrics={"acc": "0.9"}), ValueError, "'acc' must be a number"),
    "bool metric": (_register(metrics={"acc": True}), ValueError, "'acc' must be a number"),
    "None metric": (_register(metrics={"acc": None}), ValueError, "'acc' must be a number"),
    "metadata not JSON": (_register(metadata={"x": object()}), ValueError, "not JSON-serial"),
    "metadata with a set": (_register(metadata={"x": {1, 2}}), ValueError, "not JSON-serial"),
    "metadata 100,000 deep": (_register(metadata=_deep(100_000)), ValueError, "nested too deep"),
    "metadata over 1 MB": (
        _register(metadata={"blob": "x" * 1_100_000}),
        ValueError,
        "limit is 1,000,000 bytes",
    ),
    "metadata lone surrogate": (_register(metadata={"x": "\udc80"}), ValueError, "surrogate"),
    "metadata not a dict": (_register(metadata=[1, 2]), ValueError, "metadata must be a dict"),
    "unknown parent": (_register(parent_model_id=999), ValueError, "Model 999 not found"),
    "checkpoint is a directory": (
        _register(checkpoint_path=_directory, verify_checkpoint=True),
        ValueError,
        "directory",
    ),
    "dangling symlink": (
        _register(checkpoint_path=_dangling, verify_checkpoint=True),
        FileNotFoundError,
        "Checkpoint not found: .*dangling.pt",
    ),
    "duplicate": (_register(name="base", version="1.0.0"), ValueError, "already exists"),
    "promote unknown id": (lambda r, _: r.promote_model(999, "production"), LookupError, "999"),
    "promote id as text": (lambda r, _: r.promote_model("1", "production"), ValueError, "integer"),
    "promote bad tag": (lambda r, _: r.promote_model(1, "prod uction"), ValueError, "Invalid tag"),
    "retire unknown id": (lambda r, _: r.retire_model(999), LookupError, "Model 999 not found"),
    "delete unknown id": (lambda r, _: r.delete_model(999), LookupError, "Model 999 not found"),
    "delete tagged": (lambda r, _: r.delete_model(1), ValueError, "has 1 tag"),
    "export unknown id": (
        lambda r, _: r.add_export_format(999, "onnx", "/x.onnx"),
        LookupError,
        "999",
    ),
    "compare unknown id": (lambda r, _: r.records.compare([1, 999]), LookupError, "999"),
    "lineage unknown id": (lambda r, _: r.get_model_lineage(999), LookupError, "999"),
    "where injection": (lambda r, _: r.list_models(where="x' OR 1=1"), ValueError, "condition"),
    "where two statements": (
        lambda r, _: r.list_models(where="val_loss < 0.4; DROP TABLE models"),
        ValueError,
        "single number",
    ),
    "where unknown operator": (
        lambda r, _: r.list_models(where="val_loss ~ 0.4"),
        ValueError,
        "operator",
    ),
    "where reversed operator": (
        lambda r, _: r.list_models(where="val_loss => 0.4"),
        ValueError,
        "operator",
    ),
    "order_by injection": (
        lambda r, _: r.list_models(order_by="name; DROP TABLE models"),
        ValueError,
        "sort key",
    ),
}


def _seed(registry: ModelRegistry) -> ModelRegistry:
    """Put in a tagged model with an export, a config and a child."""
    base = registry.register_model(
        "base", "1.0.0", "/ckpt.pt", "t", metrics={"val_loss": 0.3}, tags=["production"],
        config={"lr": 0.1}, verify_checkpoint=False,
    )  # fmt: skip
    registry.add_export_format(base, "onnx", "/base.onnx")
    registry.register_model("child", "1.0.0", "/c.pt", "t", parent_model_id=base,
                            verify_checkpoint=False)  # fmt: skip
    return registry


@pytest.fixture
def seeded(registry: ModelRegistry) -> ModelRegistry:
    """A registry (SQLite and PostgreSQL) holding a tagged model, an export, a child."""
    return _seed(registry)


@pytest.mark.parametrize("case", sorted(API_CASES))
def test_bad_input_through_the_api(seeded: ModelRegistry, tmp_path: Path, case: str) -> None:
    """Each bad input raises its documented error type and the registry is unchanged."""
    call, error, message = API_CASES[case]
    before = seeded.dump_bundle()
    with pytest.raises(error, match=message) as caught:
        call(seeded, tmp_path)
    assert "\n" not in str(caught.value)
    after = seeded.dump_bundle()
    if seeded.backend == "postgresql":
        # A PostgreSQL sequence hands out an id even to an insert that is rolled back.
        before.pop("sequences"), after.pop("sequences")
    assert after == before


def test_unknown_id_lookups_return_none(seeded: ModelRegistry) -> None:
    """``get_model`` of an unknown id is ``None``, as the guide shows, not an error."""
    assert seeded.get_model(999) is None
    assert seeded.get_model(name="nope", version="1.0.0") is None
    assert seeded.get_model(tag="nobody-has-this") is None


def _metadata(levels: int) -> str:
    return '{"a": ' * levels + "1" + "}" * levels


REGISTER = ["register", "--name", "new", "--version", "1.0.0", "--checkpoint", "/c.pt",
            "--task-type", "t", "--no-verify-checkpoint"]  # fmt: skip


def _with(option: str, value: str) -> list[str]:
    argv = list(REGISTER)
    if option in argv:
        argv[argv.index(option) + 1] = value
    else:
        argv += [option, value]
    return argv


CLI_CASES: dict[str, list[str]] = {
    "version 1.0": _with("--version", "1.0"),
    "version v1.0.0": _with("--version", "v1.0.0"),
    "version 01.0.0": _with("--version", "01.0.0"),
    "empty version": _with("--version", ""),
    "empty name": _with("--name", ""),
    "10,000-character name": _with("--name", "n" * 10_000),
    "tag with a space": _with("--tags", "prod uction"),
    "NaN metric": _with("--metrics", '{"acc": NaN}'),
    "infinite metric": _with("--metrics", '{"acc": Infinity}'),
    "text metric": _with("--metrics", '{"acc": "high"}'),
    "metrics not an object": _with("--metrics", "[1, 2]"),
    "metadata not JSON": _with("--metadata", "{'single': 'quotes'}"),
    "metadata 100,000 deep": _with("--metadata", _metadata(100_000)),
    "metadata over 1 MB": _with("--metadata", json.dumps({"blob": "x" * 1_100_000})),
    "unknown parent": _with("--parent-id", "999"),
    "parent not a number": _with("--parent-id", "one"),
    "checkpoint is a directory": [a for a in _with("--checkpoint", "DIR") if "verify" not in a],
    "dangling symlink": [a for a in _with("--checkpoint", "DANGLING") if "verify" not in a],
    "duplicate": _with("--name", "base"),
    "get unknown id": ["get", "--model-id", "999"],
    "promote unknown id": ["promote", "--model-id", "999", "--tag", "production"],
    "promote bad tag": ["promote", "--model-id", "1", "--tag", "prod uction"],
    "retire unknown id": ["retire", "--model-id", "999"],
    "delete unknown id": ["delete", "--model-id", "999", "--yes"],
    "delete tagged": ["delete", "--model-id", "1", "--yes"],
    "export unknown id": ["export-add", "--model-id", "999", "--format", "onnx", "--path", "/x"],
    "compare unknown id": ["compare", "--model-ids", "1,999"],
    "where injection": ["list", "--where", "x' OR 1=1"],
    "where two statements": ["list", "--where", "val_loss < 0.4; DROP TABLE models"],
    "where unknown operator": ["list", "--where", "val_loss ~ 0.4"],
    "sort injection": ["list", "--sort", "name; DROP TABLE models"],
    "load garbage": ["load", "GARBAGE"],
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_bad_input_through_the_cli(
    sqlite_registry: ModelRegistry, tmp_path: Path, case: str
) -> None:
    """Each bad input: exit 1 (refused) or 2 (usage), one line on stderr, database unchanged."""
    _seed(sqlite_registry)
    before = sqlite_registry.dump_bundle()
    garbage = tmp_path / "garbage.json"
    garbage.write_text('{"format": "registry-tui-bundle", "format_version": 1, "models": [{}]}')
    values = {"DIR": _directory(tmp_path), "DANGLING": _dangling(tmp_path), "GARBAGE": str(garbage)}
    argv = [values.get(a, a) for a in CLI_CASES[case]]
    db = sqlite_registry.location
    result = cli({"argv": ["--db", db, *argv]})
    assert result["code"] in (1, 2), result
    assert result["stderr"].startswith("registry-tui"), result["stderr"][:300]
    assert result["stderr"].count("\n") == 1, result["stderr"][:300]
    assert "Traceback" not in result["stderr"] and "unexpected error" not in result["stderr"]
    with ModelRegistry(db) as fresh:
        assert fresh.dump_bundle() == before

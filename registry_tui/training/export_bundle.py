"""Export bundles: a directory of a model's artifacts, read before it is registered.

The guide's ``create_export_bundle`` writes a directory like::

    export_dir/
      artifacts/model.pytorch.pt     the weights (the checkpoint registered)
      artifacts/model.onnx           exports, each recorded with its facts
      artifacts/model.torchscript.pt
      config.json                    the model's config (also under artifacts/ or configs/)
      metadata.json                  anything else (kept in the model's metadata)

:func:`read_bundle` finds every artifact (in ``artifacts/`` when there is one, else
the directory itself), inspects each (:func:`registry_tui.checkpoints.inspect_checkpoint`),
and reads the config and metadata files (an ONNX model's external data file is
part of its artifact, not another one). A missing artifact (a dangling link, or a
file the metadata lists that is not there) or an unreadable one refuses the whole
bundle, naming it, before anything is written.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry_tui.checkpoints import (
    CheckpointFormatError,
    UnsafeCheckpointError,
    inspect_checkpoint,
)
from registry_tui.checkpoints.facts import recorded
from registry_tui.errors import CheckpointNotFoundError, ValidationError

FORMATS = (
    (".torchscript.pt", "torchscript"),
    (".torchscript", "torchscript"),
    (".jit.pt", "torchscript"),
    (".onnx", "onnx"),
    (".safetensors", "safetensors"),
    (".gguf", "gguf"),
    (".pt", "pytorch"),
    (".pth", "pytorch"),
    (".bin", "pytorch"),
    (".ckpt", "pytorch"),
    (".tflite", "tflite"),
)
"""An artifact's format by how its name ends (the first match wins)."""

PRIMARY = ("pytorch", "safetensors", "gguf", "onnx", "torchscript", "tflite")
"""Which artifact is the model's checkpoint: the first format of these the bundle has."""

CONFIG_NAMES = ("config.json", "artifacts/config.json", "configs/config.json")
METADATA_NAMES = ("metadata.json", "artifacts/metadata.json", "export_metadata.json")
SCRIPTED = "a TorchScript module: its pickle names the module's own classes, so it is not read"


@dataclass(frozen=True)
class Artifact:
    """One file of a bundle: its format, where it is, its size and inspected facts."""

    format: str
    path: str
    size_bytes: int
    facts: dict[str, Any]
    files: tuple[str, ...] = ()
    """The files the inspection read besides this one (an ONNX model's external data)."""

    def export_metadata(self) -> dict[str, Any]:
        """What the export records: ``{"size_bytes", "checkpoint": facts}``."""
        return {"size_bytes": self.size_bytes, "checkpoint": self.facts}


@dataclass(frozen=True)
class Bundle:
    """A bundle read whole: its artifacts (the checkpoint first), config and metadata."""

    directory: str
    artifacts: tuple[Artifact, ...]
    config: dict[str, Any] | None
    metadata: dict[str, Any] | None

    @property
    def checkpoint(self) -> Artifact:
        """The artifact registered as the model's checkpoint."""
        return self.artifacts[0]

    @property
    def formats(self) -> list[str]:
        """The formats of its artifacts, each once, the checkpoint's first."""
        return list(dict.fromkeys(a.format for a in self.artifacts))


def artifact_format(name: str) -> str | None:
    """The format a file name says (``model.onnx`` -> ``onnx``), or None for other files."""
    lower = name.lower()
    return next((fmt for suffix, fmt in FORMATS if lower.endswith(suffix)), None)


def read_bundle(export_dir: str | os.PathLike[str]) -> Bundle:
    """Read and inspect the bundle at ``export_dir`` (see the module docstring).

    Raises:
        CheckpointNotFoundError: the directory, or an artifact, is missing.
        ValidationError: an artifact cannot be read, the bundle has none, or its
            config or metadata file is not a JSON object.
    """
    root = Path(os.path.abspath(export_dir))
    if not root.is_dir():
        raise CheckpointNotFoundError(str(root))
    folder = root / "artifacts" if (root / "artifacts").is_dir() else root
    metadata = _json_file(root, METADATA_NAMES)
    names = sorted(p.name for p in folder.iterdir() if artifact_format(p.name) is not None)
    for listed in _listed(metadata):
        if artifact_format(listed) is not None and listed not in names:
            raise CheckpointNotFoundError(str(folder / listed))
    artifacts = [_artifact(folder / name) for name in names]
    companions = {f for a in artifacts for f in a.files if f != os.path.basename(a.path)}
    artifacts = [a for a in artifacts if os.path.basename(a.path) not in companions]
    if not artifacts:
        raise ValidationError(
            f"Export bundle {root} holds no model artifacts (.pt, .onnx, .safetensors, "
            ".gguf, .torchscript.pt ...)"
        )
    artifacts.sort(key=lambda a: PRIMARY.index(a.format))
    return Bundle(str(root), tuple(artifacts), _json_file(root, CONFIG_NAMES), metadata)


def _artifact(path: Path) -> Artifact:
    """One artifact, inspected; refused, naming it, when it is missing or unreadable."""
    fmt = artifact_format(path.name) or "unknown"
    if not path.exists():
        raise CheckpointNotFoundError(str(path))
    if not path.is_file():
        raise ValidationError(f"Bundle artifact is not a regular file: {path}")
    try:
        size = path.stat().st_size
        with open(path, "rb"):
            pass
        info = inspect_checkpoint(path)
    except OSError as exc:
        raise ValidationError(f"Bundle artifact cannot be read: {path} ({exc.strerror})") from None
    except CheckpointFormatError as exc:
        if isinstance(exc, UnsafeCheckpointError) and fmt == "torchscript":
            facts = {"format": fmt, "file_bytes": size, "warnings": [SCRIPTED]}
            return Artifact(fmt, str(path), size, facts)
        raise ValidationError(f"Bundle artifact cannot be read: {exc}") from None
    return Artifact(fmt, str(path), size, recorded(info), info.files)


def _json_file(root: Path, names: tuple[str, ...]) -> dict[str, Any] | None:
    """The first of ``names`` under ``root`` that exists, read as a JSON object."""
    for name in names:
        path = root / name
        if path.is_file():
            try:
                value = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise ValidationError(
                    f"Bundle file cannot be read as JSON: {path} ({exc})"
                ) from None
            if not isinstance(value, dict):
                raise ValidationError(f"Bundle file is not a JSON object: {path}")
            return value
    return None


def _listed(metadata: dict[str, Any] | None) -> list[str]:
    """The artifact file names a bundle's metadata lists (``"artifacts"`` or ``"files"``:
    a list of names, or an object whose values or keys are names)."""
    if not metadata:
        return []
    found: list[str] = []
    for key in ("artifacts", "files"):
        value = metadata.get(key)
        items = list(value.values()) + list(value) if isinstance(value, dict) else value
        if isinstance(items, list):
            found += [os.path.basename(v) for v in items if isinstance(v, str)]
    return found

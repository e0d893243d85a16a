"""A real Hugging Face cache layout on disk, as ``huggingface_hub`` writes it.

``models--org--name/blobs/<hash>`` holds each file's content under its hash (the
sha256 for an LFS file, git's sha1 for a small one), ``snapshots/<commit>/<file>``
links to its blob, and ``refs/<ref>`` names a commit.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from tests.checkpoints.builders import write_safetensors

TENSORS = {"embed.weight": ("F32", (16, 8)), "head.weight": ("F32", (8, 16))}
PARAMETERS = 2 * 16 * 8


def weights(tmp: Path, rows: int = 16) -> bytes:
    """The bytes of a small safetensors file (``2 * rows * 8`` parameters)."""
    path = write_safetensors(
        tmp / f"w{rows}.safetensors",
        {"embed.weight": ("F32", (rows, 8)), "head.weight": ("F32", (8, rows))},
    )
    return path.read_bytes()


def config(*architectures: str) -> bytes:
    """A ``config.json`` naming ``architectures``."""
    return json.dumps({"architectures": list(architectures), "hidden_size": 8}).encode()


def add_revision(
    cache: Path,
    repo_id: str,
    commit: str,
    files: Mapping[str, bytes],
    *,
    refs: tuple[str, ...] = ("main",),
    mtime: float = 1_700_000_000.0,
    lfs: tuple[str, ...] = (".safetensors", ".bin"),
    kind: str = "models",
) -> Path:
    """Write one revision of ``repo_id`` (its blobs, its snapshot of links, its refs);
    every blob modified at ``mtime``. Returns the snapshot folder."""
    repo = cache / f"{kind}--{repo_id.replace('/', '--')}"
    snapshot = repo / "snapshots" / commit
    for name, content in files.items():
        is_lfs = name.endswith(lfs)
        digest = (hashlib.sha256 if is_lfs else hashlib.sha1)(content).hexdigest()
        blob = repo / "blobs" / digest
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(content)
        os.utime(blob, (mtime, mtime))
        link = snapshot / name
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    for ref in refs:
        (repo / "refs").mkdir(parents=True, exist_ok=True)
        (repo / "refs" / ref).write_text(commit)
    return snapshot

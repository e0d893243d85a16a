"""Importing the local Hugging Face cache: each cached model revision becomes a model.

The cache is read through ``huggingface_hub.scan_cache_dir`` (offline: nothing is
downloaded), the only place :mod:`huggingface_hub` is imported. Each revision of a
cached *model* repo is registered as a lineage root named by its repo id, its
snapshot folder as the checkpoint (inspected as any checkpoint directory is:
parameters, sizes, memory), and ``metadata["hf"]``::

    {"repo_id": "org/name", "revision": "<commit hash>", "refs": ["main"],
     "files": [{"name": "model.safetensors", "size": 1234, "sha256": "<blob name>"}]}

The blob a file of the snapshot links to is named by its content hash: the sha256
for an LFS file (64 hex digits), git's sha1 for a small one (``sha256`` is then
``null``). The task type is the model card's ``pipeline_tag`` when the card is
cached, else read from ``config.json``'s ``architectures`` (:data:`ARCHITECTURES`),
else :data:`DEFAULT_TASK_TYPE`.

Versions: the revisions not yet imported, oldest snapshot first (by the snapshot's
last-modified time, then commit hash), each take the next free ``1.<n>.0`` of the
repo id, ``n`` counting the revisions already imported: the first revision imported
is ``1.0.0``, a later one ``1.1.0``, ... A revision already imported (matched by
``metadata["hf"]["revision"]``, whatever its status) is left alone, so importing
twice changes nothing. Dataset and space repos, and revisions with no weights
files cached, are skipped and counted. Everything is one transaction.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from registry_tui.errors import ValidationError
from registry_tui.training.report import ImportReport, models_named

if TYPE_CHECKING:
    from registry_tui.registry_core import RegistryCore

INSTALL_HINT = "pip install 'registry-tui[hf]'"
DEFAULT_TASK_TYPE = "unknown"
"""The task type of a model whose card and config say nothing of its task."""
ARCHITECTURES = (
    (("ForCausalLM", "LMHeadModel"), "language_modeling"),
    (("ForMaskedLM",), "masked_language_modeling"),
    (("ForSequenceClassification",), "text_classification"),
    (("ForTokenClassification",), "token_classification"),
    (("ForQuestionAnswering",), "question_answering"),
    (("ForSpeechSeq2Seq", "ForCTC"), "speech_recognition"),
    (("ForConditionalGeneration",), "text2text_generation"),
    (("ForImageClassification",), "image_classification"),
    (("ForObjectDetection",), "object_detection"),
    (("Model",), "feature_extraction"),
)
"""``config.json`` architecture suffix -> task type (the first match wins)."""
PIPELINES = {"text-generation": "language_modeling", "fill-mask": "masked_language_modeling"}
"""Model-card pipeline tags named as this registry names them; others keep their name
with ``_`` for ``-`` (``image-classification`` -> ``image_classification``)."""
_LFS = re.compile(r"[0-9a-f]{64}")
NO_WEIGHTS = "revision without weights files"


@dataclass(frozen=True)
class Revision:
    """One cached model revision, as the import records it."""

    repo_id: str
    commit: str
    snapshot: str
    refs: tuple[str, ...]
    files: tuple[dict[str, Any], ...]
    modified: float

    def metadata(self) -> dict[str, Any]:
        """``metadata["hf"]``."""
        return {
            "repo_id": self.repo_id,
            "revision": self.commit,
            "refs": list(self.refs),
            "files": [dict(f) for f in self.files],
        }


def scan(cache_dir: str | os.PathLike[str] | None, repo: str | None) -> tuple[
    list[Revision], ImportReport
]:  # fmt: skip
    """The cached model revisions whose repo id matches the glob ``repo``, oldest first,
    and a report counting what was skipped."""
    try:
        from huggingface_hub import scan_cache_dir
        from huggingface_hub.errors import CacheNotFound
    except ImportError:
        raise ValidationError(f"importing the Hugging Face cache needs {INSTALL_HINT}") from None
    try:
        info = scan_cache_dir(None if cache_dir is None else os.fspath(cache_dir))
    except CacheNotFound as exc:
        raise ValidationError(f"Hugging Face cache not found: {exc.cache_dir}") from None
    report = ImportReport(what="model revision")
    for warning in info.warnings:
        report.note(f"Not read (corrupted cache entry): {_one_line(warning)}")
    revisions: list[Revision] = []
    for cached in sorted(info.repos, key=lambda r: r.repo_id):
        if repo is not None and not fnmatch.fnmatchcase(cached.repo_id, repo):
            continue
        if cached.repo_type != "model":
            report.skip(f"{cached.repo_type} repo")
            continue
        revisions.extend(_revision(cached.repo_id, r) for r in cached.revisions)
    return sorted(revisions, key=lambda r: (r.repo_id, r.modified, r.commit)), report


def _revision(repo_id: str, cached: Any) -> Revision:
    snapshot = str(cached.snapshot_path)
    files = []
    for file in sorted(cached.files, key=lambda f: str(f.file_path)):
        blob = os.path.basename(str(file.blob_path))
        files.append(
            {
                "name": os.path.relpath(str(file.file_path), snapshot).replace(os.sep, "/"),
                "size": int(file.size_on_disk),
                "sha256": blob if _LFS.fullmatch(blob) else None,
            }
        )
    refs = tuple(sorted(str(ref) for ref in cached.refs))
    return Revision(repo_id, cached.commit_hash, snapshot, refs, tuple(files), cached.last_modified)


def _one_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def task_type_of(snapshot: str) -> str:
    """The task type of a snapshot: its card's pipeline tag, else its config's
    architecture, else :data:`DEFAULT_TASK_TYPE` (see the module docstring)."""
    from registry_tui.checkpoints.directory import config_facts

    pipeline = _pipeline_tag(snapshot)
    if pipeline:
        return PIPELINES.get(pipeline, pipeline.replace("-", "_"))
    architectures = config_facts(snapshot).get("architectures")
    first = architectures[0] if isinstance(architectures, list) and architectures else None
    if isinstance(first, str):
        for suffixes, task in ARCHITECTURES:
            if first.endswith(suffixes):
                return task
    return DEFAULT_TASK_TYPE


def _pipeline_tag(snapshot: str) -> str | None:
    card = os.path.join(snapshot, "README.md")
    if not os.path.isfile(card):
        return None
    from huggingface_hub import metadata_load

    try:
        found = metadata_load(card)
    except Exception:  # a card whose front matter does not parse says nothing
        return None
    tag = found.get("pipeline_tag") if isinstance(found, dict) else None
    return tag.strip() if isinstance(tag, str) and tag.strip() else None


def import_cache(
    registry: RegistryCore, cache_dir: str | os.PathLike[str] | None, repo: str | None
) -> ImportReport:
    """Register the cache's model revisions as the module docstring says."""
    from registry_tui.checkpoints.directory import weights_files

    revisions, report = scan(cache_dir, repo)
    with registry.transaction():
        for revision in revisions:
            imported = _imported(registry, revision.repo_id)
            if revision.commit in imported:
                report.unchanged.append(imported[revision.commit])
                continue
            if not weights_files(revision.snapshot)[0]:
                report.skip(NO_WEIGHTS)
                continue
            version = _next_version(registry, revision.repo_id, len(imported))
            model_id = registry.register_model(
                revision.repo_id, version, revision.snapshot, task_type_of(revision.snapshot),
                metadata={"hf": revision.metadata()},
            )  # fmt: skip
            report.registered.append(model_id)
    return report


def _imported(registry: RegistryCore, repo_id: str) -> dict[str, int]:
    """Commit hash -> model id of the revisions of ``repo_id`` already imported."""
    found: dict[str, int] = {}
    for record in models_named(registry, repo_id):
        hf = record.metadata.get("hf")
        if isinstance(hf, Mapping) and isinstance(hf.get("revision"), str):
            found[hf["revision"]] = record.model_id
    return found


def _next_version(registry: RegistryCore, repo_id: str, imported: int) -> str:
    """``1.<imported>.0``, or the next ``1.<n>.0`` free for ``repo_id``."""
    taken = {record.version for record in models_named(registry, repo_id)}
    minor = imported
    while f"1.{minor}.0" in taken:
        minor += 1
    return f"1.{minor}.0"

"""PyTorch checkpoints (``.pt``, ``.pth``, ``.ckpt``: a zip holding ``data.pkl``).

The pickle is read by :mod:`registry_tui.checkpoints.pickles`, never by
:func:`pickle.load`: nothing it names is imported or called, and the storages'
bytes are never read (their sizes come from the zip's directory). A local file that
allow-list accepts is then loaded by ``torch.load(weights_only=True, mmap=True)``
when torch is importable (:mod:`registry_tui.checkpoints.torchload`), and counted
from the tensors torch builds; both paths give the same facts. Model weights
are counted apart from optimizer state, so a training checkpoint holding Adam
moments is not taken for a model three times its size; the checkpoint's own
``metrics``, ``epoch`` and ``git_commit`` are reported.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any

from registry_tui.checkpoints import torchload
from registry_tui.checkpoints.errors import CheckpointFormatError
from registry_tui.checkpoints.pickles import ArrayStub, TensorStub, load
from registry_tui.checkpoints.record import CheckpointInfo, TensorInfo, info_from
from registry_tui.checkpoints.source import ByteSource, SourceFile
from registry_tui.checkpoints.torchload import Leaf

PICKLE_LIMIT = 256 * 1024 * 1024
"""The largest ``data.pkl`` read (a state dict's pickle is kilobytes to megabytes)."""

WEIGHT_KEYS = ("model_state_dict", "state_dict", "model", "module", "model_state")
OPTIMIZER_KEYS = frozenset({"optimizer_state_dict", "optimizer", "optimizer_states", "optim"})
OTHER_KEYS = frozenset(
    {"scheduler_state_dict", "scheduler", "lr_scheduler", "lr_schedulers", "rng_state"}
    | {"rng_states", "scaler", "grad_scaler", "custom_state", "callbacks", "loops"}
)


def inspect(source: ByteSource) -> CheckpointInfo:
    """One PyTorch zip checkpoint: checked by the allow-list, then counted from what
    ``torch.load(weights_only=True)`` builds of a local file when torch is there."""
    data, storage_bytes = _archive(source)
    value, unpickler = load(data, source.name)
    tensors = list(_tensors(value, ()))
    _check_storages(source.name, tensors, storage_bytes)
    leaf: Leaf = _same
    warnings: tuple[str, ...] = ()
    try:
        loaded = torchload.load(source)
    except torchload.TorchCannotRead as exc:
        loaded, warnings = None, (exc.warning(),)
    if loaded is not None:
        value, leaf = loaded
        tensors = list(_tensors(value, (), leaf))
    weights, optimizer = _split(value, tensors)
    optimizer_unique = _unique(optimizer)
    fields: dict[str, Any] = {
        "metadata": {
            "pickle_globals": sorted(unpickler.used),
            **_sections(value, leaf),
        },
        "optimizer_bytes": sum(t.nbytes for _, t in optimizer_unique),
        "optimizer_tensors": len(optimizer_unique),
        "warnings": warnings,
    }
    fields.update(_training_facts(value, leaf))
    found = [TensorInfo(name, t.storage.dtype, t.shape, t.nbytes) for name, t in _unique(weights)]
    return info_from(source.name, "pytorch", source.size(), found, **fields)


def is_archive(source: ByteSource) -> bool:
    """True for a zip holding a ``data.pkl``."""
    try:
        with zipfile.ZipFile(io.BufferedReader(SourceFile(source))) as archive:
            return _pickle_name(archive.namelist()) is not None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def _archive(source: ByteSource) -> tuple[bytes, dict[str, int]]:
    try:
        with zipfile.ZipFile(io.BufferedReader(SourceFile(source))) as archive:
            names = archive.namelist()
            pickle_name = _pickle_name(names)
            if pickle_name is None:
                raise CheckpointFormatError(source.name, "a zip without data.pkl")
            prefix = pickle_name[: -len("data.pkl")]
            if archive.getinfo(pickle_name).file_size > PICKLE_LIMIT:
                raise CheckpointFormatError(
                    source.name, f"data.pkl is over the {PICKLE_LIMIT} byte limit"
                )
            data = archive.read(pickle_name)
            storages = {
                info.filename[len(prefix) + len("data/") :]: info.file_size
                for info in archive.infolist()
                if info.filename.startswith(prefix + "data/")
            }
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise CheckpointFormatError(source.name, f"not a readable zip: {exc}") from None
    return data, storages


def _pickle_name(names: list[str]) -> str | None:
    found = [n for n in names if n == "data.pkl" or n.endswith("/data.pkl")]
    return min(found, key=len) if found else None


def _same(item: Any) -> Any:
    return item


def _tensors(
    value: Any, path: tuple[str, ...], leaf: Leaf = _same
) -> Iterator[tuple[tuple[str, ...], TensorStub]]:
    """Every tensor under ``value`` with its path, in order; iterative, and each
    container visited once, so a deep or self-referencing pickle cannot recurse.
    ``leaf`` turns what torch loaded into stand-ins."""
    # Paths are linked (parent, key) pairs, spelled out only for a tensor: copying a
    # path at every level would make a deeply nested pickle quadratic.
    stack: list[tuple[_Link | None, Any]] = [(None, value)]
    seen: set[int] = set()
    while stack:
        link, item = stack.pop()
        item = leaf(item)
        if isinstance(item, TensorStub):
            yield (*path, *_spelled(link)), item
            continue
        if isinstance(item, Mapping):
            children = [(str(key), child) for key, child in item.items()]
        elif isinstance(item, list | tuple):
            children = [(str(index), child) for index, child in enumerate(item)]
        else:
            continue
        if id(item) in seen:
            continue
        seen.add(id(item))
        stack.extend(((link, key), child) for key, child in reversed(children))


_Link = tuple[Any, str]
"""(the parent's link or None, this key)."""


def _spelled(link: _Link | None) -> list[str]:
    keys: list[str] = []
    while link is not None:
        link, key = link
        keys.append(key)
    keys.reverse()
    return keys


def _check_storages(
    file: str, tensors: list[tuple[tuple[str, ...], TensorStub]], storage_bytes: dict[str, int]
) -> None:
    for path, tensor in tensors:
        storage = tensor.storage
        name = ".".join(path) or "the tensor"
        stored = storage_bytes.get(storage.key)
        if stored is None:
            raise CheckpointFormatError(file, f"{name!r}: storage {storage.key!r} is missing")
        if stored < storage.numel * storage.itemsize:
            raise CheckpointFormatError(
                file,
                f"{name!r}: storage {storage.key!r} holds {stored} bytes, "
                f"its header says {storage.numel * storage.itemsize}",
            )
        if tensor.offset + tensor.extent > storage.numel:
            raise CheckpointFormatError(file, f"{name!r} reaches past the end of its storage")


def _split(
    value: Any, tensors: list[tuple[tuple[str, ...], TensorStub]]
) -> tuple[list[tuple[str, TensorStub]], list[tuple[str, TensorStub]]]:
    """(model weights, optimizer state), each as (name, tensor)."""
    root = _weights_root(value)
    weights: list[tuple[str, TensorStub]] = []
    optimizer: list[tuple[str, TensorStub]] = []
    for path, tensor in tensors:
        head = path[0] if path else ""
        if head in OPTIMIZER_KEYS:
            optimizer.append((".".join(path), tensor))
        elif root is not None and head == root:
            weights.append((".".join(path[1:]), tensor))
        elif root is None and head not in OTHER_KEYS:
            weights.append((".".join(path), tensor))
    return weights, optimizer


def _weights_root(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return None
    for key in WEIGHT_KEYS:
        if isinstance(value.get(key), Mapping):
            return key
    return None


def _unique(named: list[tuple[str, TensorStub]]) -> list[tuple[str, TensorStub]]:
    """Tied tensors (one storage, same view) counted once."""
    seen: set[tuple[str, int, tuple[int, ...], tuple[int, ...]]] = set()
    kept: list[tuple[str, TensorStub]] = []
    for name, tensor in named:
        view = (tensor.storage.key, tensor.offset, tensor.shape, tensor.stride)
        if view not in seen:
            seen.add(view)
            kept.append((name, tensor))
    return kept


def _training_facts(value: Any, leaf: Leaf) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        return {}
    facts: dict[str, Any] = {}
    metrics = value.get("metrics")
    if isinstance(metrics, Mapping):
        facts["metrics"] = {str(k): plain(v, leaf=leaf) for k, v in metrics.items()}
    epoch = leaf(value.get("epoch"))
    if isinstance(epoch, int) and not isinstance(epoch, bool):
        facts["epoch"] = epoch
    commit = value.get("git_commit")
    if isinstance(commit, str):
        facts["git_commit"] = commit
    return facts


def _sections(value: Any, leaf: Leaf) -> dict[str, Any]:
    """What the top level holds, each entry summarised (a state dict is not listed)."""
    if not isinstance(value, Mapping) or (
        _weights_root(value) is None and not any(key in value for key in OPTIMIZER_KEYS)
    ):
        return {}
    return {"sections": {str(key): _summary(item, leaf) for key, item in value.items()}}


def _summary(value: Any, leaf: Leaf) -> Any:
    value = leaf(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    count = sum(1 for _ in _tensors(value, (), leaf))
    kind = type(value).__name__ if not isinstance(value, Mapping) else "dict"
    if isinstance(value, TensorStub | ArrayStub):
        kind = "tensor" if isinstance(value, TensorStub) else "array"
    return f"{kind}, {count} tensors" if count else kind


PLAIN_DEPTH = 8


def plain(value: Any, depth: int = 0, leaf: Leaf = _same) -> Any:
    """A stand-in-free copy of a small value (metrics): arrays as their description,
    nesting past :data:`PLAIN_DEPTH` (or a cycle) as ``"..."``."""
    value = leaf(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if depth >= PLAIN_DEPTH and isinstance(value, Mapping | list | tuple):
        return "..."
    if isinstance(value, Mapping):
        return {str(k): plain(v, depth + 1, leaf) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, depth + 1, leaf) for v in value]
    if isinstance(value, TensorStub):
        return f"tensor {value.storage.dtype} {list(value.shape)}"
    if isinstance(value, ArrayStub):
        return f"array {value.dtype} {list(value.shape)}"
    return type(value).__name__

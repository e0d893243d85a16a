"""Checkpoints in object stores: ``s3://``, ``gs://`` (``gcs://``) and ``hf://``.

Read through fsspec, with the extras ``s3`` (s3fs), ``gcs`` (gcsfs) and ``hf``
(huggingface_hub), each imported only when a URI of its scheme is used;
``memory://`` (fsspec's in-process store) serves tests::

    >>> from registry_tui.checkpoints import remote
    >>> remote.stat("s3://models/llama/model.safetensors")
    RemoteObject(uri='s3://...', size=..., fingerprint={'kind': 'etag', ...}, verifiable=True)
    >>> inspect_checkpoint("hf://org/tiny-llama")        # a repo: a checkpoint directory

An object's headers are read with ranged requests (:class:`RemoteSource`), never
its weights. A prefix holding a ``save_pretrained`` folder (``config.json``, a
shard index and its shards) is an object too: its size is the weights' total
and its fingerprint combines its files' (:mod:`.fingerprints`).

Credentials come only from each store's standard chain (AWS variables or
profile, ``GOOGLE_APPLICATION_CREDENTIALS``, ``HF_TOKEN``); a URI holding one is
refused by :func:`check_uri`, and no message ever shows one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from registry_tui.checkpoints import directory, fingerprints, safetensors
from registry_tui.checkpoints.dispatch import inspect_file, is_remote
from registry_tui.checkpoints.errors import CheckpointFormatError
from registry_tui.checkpoints.fingerprints import Fingerprint
from registry_tui.checkpoints.record import CheckpointInfo
from registry_tui.checkpoints.remote_fs import RemoteFiles, RemoteSource, Store, shown
from registry_tui.errors import ValidationError

__all__ = [
    "RemoteObject",
    "RemoteSource",
    "check_uri",
    "inspect",
    "is_remote",
    "shown",
    "stat",
]

SECRET_WORDS = ("secret", "token", "signature", "sig", "password", "credential", "key", "auth")
"""A query parameter whose name holds one of these is taken for a credential."""
CHAINS = (
    "credentials come from the environment (AWS variables or profile, "
    "GOOGLE_APPLICATION_CREDENTIALS, HF_TOKEN)"
)
NO_WEIGHTS = "no weights files (safetensors, .bin/.pt/.pth/.ckpt, .gguf, .onnx) inside"


@dataclass(frozen=True)
class RemoteObject:
    """What a store says of one checkpoint, without reading it.

    ``fingerprint`` is ``{"kind", "value"}`` (see :mod:`.fingerprints`), or None
    when the store keeps none; ``verifiable`` is False when it cannot tell a
    change of content (a multipart ETag): "cannot verify".
    """

    uri: str
    size: int
    fingerprint: Fingerprint | None
    verifiable: bool


def check_uri(uri: str) -> str:
    """``uri``, unless it holds credentials (``user:password@`` or a query parameter
    naming a secret, token or signature): then a one-line :class:`ValidationError`
    that does not repeat them."""
    parts = urlsplit(uri)
    if "@" in parts.netloc:
        raise ValidationError(
            f"{shown(uri)}: a URI holding credentials (user:password@) is refused; {CHAINS}"
        )
    for key, _ in parse_qsl(parts.query, keep_blank_values=True):
        if any(word in key.lower() for word in SECRET_WORDS):
            name = key if key.isprintable() and len(key) <= 40 else "a secret"
            raise ValidationError(
                f"{shown(uri)}: a URI holding credentials (query parameter {name!r}) "
                f"is refused; {CHAINS}"
            )
    return uri


def stat(uri: str) -> RemoteObject:
    """Size and fingerprint of the object (or checkpoint folder) at ``uri``.

    Raises:
        ValidationError: ``uri`` holds credentials.
        CheckpointNotFoundError: nothing is at ``uri``.
        CheckpointFormatError: ``uri`` is a folder holding no weights files.
        RemoteStoreError: the store cannot be read (its extra missing, access denied).
    """
    check_uri(uri)
    store = Store(uri)
    entry = store.info(uri)
    files = RemoteFiles(store)
    if entry.get("type") == "directory":
        return _folder(uri.rstrip("/"), files)
    fingerprint, verifiable = fingerprints.of(store.scheme, entry)
    if fingerprint is None:  # an info() without the listing's fields (the Hub's)
        listed = files.entries(files.parent(uri)).get(uri.rstrip("/").rsplit("/", 1)[-1])
        if listed is not None:
            fingerprint, verifiable = fingerprints.of(store.scheme, listed)
    return RemoteObject(uri, int(entry.get("size") or 0), fingerprint, verifiable)


def _folder(uri: str, files: RemoteFiles) -> RemoteObject:
    """A checkpoint folder: the weights' total size, one fingerprint over its files."""
    entries = files.entries(uri)
    weights, _ = directory.weights_files(uri, files)
    if not weights:
        raise CheckpointFormatError(shown(uri), NO_WEIGHTS)
    members = list(weights)
    if weights[0].endswith(safetensors.INDEX_SUFFIX):
        weight_map, _ = safetensors.read_index(files.join(uri, weights[0]), files)
        weights = sorted(set(weight_map.values()))
        members.extend(weights)
    if "config.json" in entries:
        members.append("config.json")
    size = sum(int(entries[name].get("size") or 0) for name in weights)
    parts = [(name, *fingerprints.of(files.store.scheme, entries[name])) for name in members]
    fingerprint, verifiable = fingerprints.combined(parts)
    return RemoteObject(uri, size, fingerprint, verifiable)


def inspect(uri: str) -> CheckpointInfo:
    """What the checkpoint at ``uri`` (an object, or a folder of them) says about
    itself, from ranged reads of its headers; see
    :func:`registry_tui.checkpoints.inspect_checkpoint`."""
    check_uri(uri)
    store = Store(uri)
    entry = store.info(uri)
    files = RemoteFiles(store)
    if entry.get("type") == "directory":
        folder = uri.rstrip("/")
        return directory.inspect(folder, lambda path: inspect_file(path, files=files), files)
    files.remember(uri, entry)
    return inspect_file(uri, files=files)

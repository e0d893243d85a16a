"""Content fingerprints of objects in a store, from what a listing or ``info`` says.

A fingerprint is ``{"kind": ..., "value": ...}``: a value the store keeps that
changes when the object's content does, read without reading the object.

* S3: a single-part ``ETag`` (the MD5 of the content); for a multipart upload
  (``"...-12"``) the ``VersionId`` when the bucket keeps versions, else the
  multipart ETag, which says nothing checkable about the bytes ("cannot verify").
* GCS: ``md5Hash``; else ``crc32c`` (composite objects have no MD5); else the
  ``generation``.
* The Hugging Face Hub: the LFS ``sha256``; else the Xet hash; else the git blob id.
* ``memory://`` (fsspec's in-process store, for tests): its creation time.

A folder's fingerprint combines its files' (:func:`combined`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

Fingerprint = dict[str, str]


def of(scheme: str, entry: Mapping[str, Any]) -> tuple[Fingerprint | None, bool]:
    """``(fingerprint, verifiable)`` of one object from its store entry."""
    if scheme == "s3":
        return _s3(entry)
    if scheme in ("gs", "gcs"):
        return _first(entry, ("md5Hash", "md5"), ("crc32c", "crc32c"), ("generation", "generation"))
    if scheme == "hf":
        lfs = entry.get("lfs")
        if isinstance(lfs, Mapping) and lfs.get("sha256"):
            return {"kind": "sha256", "value": str(lfs["sha256"])}, True
        return _first(entry, ("xet_hash", "xet"), ("blob_id", "git-blob"))
    if scheme == "memory" and entry.get("created") is not None:
        return {"kind": "created", "value": str(entry["created"])}, True
    return None, False


def _s3(entry: Mapping[str, Any]) -> tuple[Fingerprint | None, bool]:
    etag = str(entry.get("ETag") or entry.get("etag") or "").strip('"')
    version = entry.get("VersionId")
    if etag and "-" not in etag:
        return {"kind": "etag", "value": etag}, True
    if version and version != "null":
        return {"kind": "version_id", "value": str(version)}, True
    if etag:
        return {"kind": "etag", "value": etag}, False
    return None, False


def _first(entry: Mapping[str, Any], *keys: tuple[str, str]) -> tuple[Fingerprint | None, bool]:
    for key, kind in keys:
        value = entry.get(key)
        if value not in (None, ""):
            return {"kind": kind, "value": str(value)}, True
    return None, False


def combined(
    parts: Iterable[tuple[str, Fingerprint | None, bool]],
) -> tuple[Fingerprint | None, bool]:
    """One fingerprint over ``(name, fingerprint, verifiable)`` of a folder's files:
    the SHA-256 of their names and fingerprints, verifiable when every part is."""
    lines = []
    verifiable = True
    for name, fingerprint, part_verifiable in sorted(parts, key=lambda part: part[0]):
        if fingerprint is None:
            return None, False
        lines.append(f"{name}\t{fingerprint['kind']}\t{fingerprint['value']}")
        verifiable = verifiable and part_verifiable
    if not lines:
        return None, False
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return {"kind": "combined", "value": digest}, verifiable

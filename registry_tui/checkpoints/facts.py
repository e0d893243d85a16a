"""What the registry records of an inspected checkpoint, and how a later look is compared.

Registration stores :func:`recorded` under ``metadata["checkpoint"]``; the app's
detail panel reads it back; ``registry-tui check`` inspects the file again and
reports :func:`changes` between the two. One definition of the recorded form
serves all three::

    {"format": "safetensors", "file_bytes": 14483464, "weights_bytes": 14483456,
     "parameters": 3621864, "parameters_by_dtype": {"F32": 3621864},
     "tensor_count": 12, "architecture": {"layers": 2, ...}}

Keys beyond those always present appear only when they hold something:
``architecture``, ``optimizer_bytes``, ``epoch``, ``git_commit``, ``warnings``
and, for remote checkpoints, ``fingerprint``.

A ``memory_req_gb`` the registry estimated (rather than one the user gave) says
how under ``metadata["memory_estimate"]``::

    {"mode": "inference", "rule": "...", "dtype": "BF16", "source": "estimated",
     "reference": "..."}

(``"source": "measured"`` when a training hook measured it). Metadata is the
user's to write, so the readers of both forms, :func:`recorded_facts` and
:func:`memory_estimate` / :func:`memory_source`, keep only what has the right
type and never fail on what does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from registry_tui.checkpoints.record import CheckpointInfo

KEY = "checkpoint"
"""The metadata key the recorded facts are stored under."""
ESTIMATE_KEY = "memory_estimate"
"""The metadata key saying how ``memory_req_gb`` was made (an estimate's rule, or measured)."""


MEMORY_SOURCES = ("estimated", "measured")
"""Where a ``memory_req_gb`` the registry filled came from; a user-given one has none."""

COMPARED = ("format", "weights_bytes", "parameters", "tensor_count", "parameters_by_dtype")
"""The recorded facts a later inspection must reproduce for the content to be unchanged."""


def recorded(info: CheckpointInfo) -> dict[str, Any]:
    """The JSON-ready facts of ``info`` that registration stores (see the module docstring)."""
    facts: dict[str, Any] = {
        "format": info.format,
        "file_bytes": info.file_bytes,
        "weights_bytes": info.weights_bytes,
        "parameters": info.parameters,
        "parameters_by_dtype": dict(info.parameters_by_dtype),
        "tensor_count": info.tensor_count,
    }
    optional: dict[str, Any] = {
        "architecture": _plain(dict(info.architecture)),
        "optimizer_bytes": info.optimizer_bytes,
        "epoch": info.epoch,
        "git_commit": info.git_commit,
        "warnings": list(info.warnings),
    }
    facts.update((key, value) for key, value in optional.items() if value)
    return facts


def changes(before: Mapping[str, Any], now: CheckpointInfo) -> list[str]:
    """How ``now`` differs from the facts recorded ``before``: one phrase per fact.

    Only the facts in :data:`COMPARED` that were recorded are compared, so a
    registration made without some fact is never reported for it.
    """
    fresh = recorded(now)
    found = []
    for key in COMPARED:
        if key in before and before[key] != fresh[key]:
            found.append(f"{key} {_shown(before[key])} -> {_shown(fresh[key])}")
    return found


def _shown(value: Any) -> str:
    """A fact as a report line shows it: numbers with thousands separators."""
    if isinstance(value, bool) or not isinstance(value, int | dict):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"


def _plain(value: Any) -> Any:
    """``value`` with only JSON's types: tuples as lists, anything else as text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


_COUNTS = ("file_bytes", "weights_bytes", "parameters", "tensor_count", "optimizer_bytes", "epoch")
_TEXTS = ("format", "git_commit")
_ESTIMATE_TEXTS = ("mode", "rule", "dtype", "source", "reference")
_UNSET = object()


def recorded_facts(metadata: object) -> dict[str, Any] | None:
    """The checkpoint facts recorded in a model's ``metadata``, or ``None`` when there are none.

    Only facts of the recorded form's types are kept (counts as non-negative
    integers, ``format`` and ``git_commit`` as text, ``parameters_by_dtype`` as
    counts by dtype, ``architecture`` as an object with text keys, ``warnings``
    as a list of text, ``fingerprint`` as text or an object); any other value,
    written by hand or by another tool, is left out rather than trusted.
    """
    raw = metadata.get(KEY) if isinstance(metadata, Mapping) else None
    if not isinstance(raw, Mapping):
        return None
    facts: dict[str, Any] = {}
    for key in _TEXTS:
        if isinstance(raw.get(key), str) and raw[key]:
            facts[key] = raw[key]
    for key in _COUNTS:
        if _is_count(raw.get(key)):
            facts[key] = raw[key]
    by_dtype = _text_keyed(raw.get("parameters_by_dtype"))
    if by_dtype:
        counts = {dtype: n for dtype, n in by_dtype.items() if _is_count(n)}
        if counts:
            facts["parameters_by_dtype"] = counts
    architecture = _text_keyed(raw.get("architecture"))
    if architecture:
        facts["architecture"] = architecture
    warnings = raw.get("warnings")
    if isinstance(warnings, list) and any(isinstance(w, str) for w in warnings):
        facts["warnings"] = [w for w in warnings if isinstance(w, str)]
    fingerprint = raw.get("fingerprint")
    keyed = _text_keyed(fingerprint)
    if (isinstance(fingerprint, str) and fingerprint) or keyed:
        facts["fingerprint"] = fingerprint if isinstance(fingerprint, str) else keyed
    return facts or None


def memory_estimate(metadata: object) -> dict[str, str] | None:
    """How a model's ``memory_req_gb`` was filled (mode, rule, dtype, source, reference),
    the text fields of ``metadata["memory_estimate"]`` only; ``None`` when it says nothing."""
    raw = metadata.get(ESTIMATE_KEY) if isinstance(metadata, Mapping) else None
    if not isinstance(raw, Mapping):
        return None
    found = {key: raw[key] for key in _ESTIMATE_TEXTS if isinstance(raw.get(key), str)}
    return found or None


def memory_source(metadata: object) -> str | None:
    """``"estimated"`` or ``"measured"`` when the registry filled ``memory_req_gb``;
    ``None`` for a value the user gave (or metadata that does not say)."""
    source = (memory_estimate(metadata) or {}).get("source")
    return source if source in MEMORY_SOURCES else None


def memory_is_estimated(metadata: object) -> bool:
    """True when ``memory_req_gb`` is an estimate: what the faces mark with ``~``."""
    return memory_source(metadata) == "estimated"


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _text_keyed(value: object) -> dict[str, Any] | None:
    """``value`` as a dict of its text-keyed entries, when it is a non-empty mapping."""
    if not isinstance(value, Mapping):
        return None
    kept = {key: item for key, item in value.items() if isinstance(key, str)}
    return kept or None


def unread_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """``metadata`` without what :func:`recorded_facts` and :func:`memory_estimate` read.

    What a panel of the read facts leaves for a view of the raw metadata: every
    other key, and of the checkpoint and memory entries only the values that were
    not read as they are (a wrong type, an unknown key), so nothing stored goes
    unshown and nothing is shown twice.
    """
    rest = dict(metadata)
    for key, read in ((KEY, recorded_facts(metadata)), (ESTIMATE_KEY, memory_estimate(metadata))):
        raw = rest.get(key)
        if read is None or not isinstance(raw, Mapping):
            continue
        left = {name: value for name, value in raw.items() if read.get(name, _UNSET) != value}
        if left:
            rest[key] = left
        else:
            del rest[key]
    return rest

"""What an import did: :class:`ImportReport`, shared by every ``registry-tui import`` source."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from registry_tui.records import ModelQuery, ModelRecord

if TYPE_CHECKING:
    from registry_tui.registry_core import RegistryCore


@dataclass
class ImportReport:
    """What an import did: ids registered, already there, retired; what it left out and why.

    ``skipped`` counts what the source held but the import did not register, by kind
    (``{"dataset repo": 2}``); ``notes`` says how things were mapped, one sentence each
    (a version rule, an alias not applied, a source kept unverified). ``what`` names
    what the source's entries are in the report's sentences.
    """

    registered: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    retired: list[int] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    best_model_id: int | None = None
    best_tag: str = ""
    skipped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    what: str = "checkpoint"

    def skip(self, kind: str) -> None:
        """Count one entry of ``kind`` left out."""
        self.skipped[kind] = self.skipped.get(kind, 0) + 1

    def note(self, sentence: str) -> None:
        """Say how something was mapped (once: a repeated sentence is kept once)."""
        if sentence not in self.notes:
            self.notes.append(sentence)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (``registry-tui import ... --json``)."""
        return asdict(self)

    def lines(self) -> list[str]:
        """The report as one-line sentences (for the CLI)."""
        out = [
            f"Registered {len(self.registered)} {self.what}(s)"
            + (f" (ids {', '.join(map(str, self.registered))})" if self.registered else ""),
            f"{len(self.unchanged)} already registered, left as they were",
        ]
        if self.retired:
            ids = ", ".join(map(str, self.retired))
            out.append(f"Retired {len(self.retired)} whose file the manager deleted (ids {ids})")
        if self.missing:
            out.append(f"{len(self.missing)} entr(ies) without a file, not registered")
        out.extend(f"Skipped {count} {kind}(s)" for kind, count in sorted(self.skipped.items()))
        if self.best_model_id is not None:
            out.append(f"Best: model {self.best_model_id} (tag {self.best_tag})")
        out.extend(self.notes)
        return out


def models_named(registry: RegistryCore, name: str) -> list[ModelRecord]:
    """Every model (any status) of exactly ``name``: what an import matches its entries
    against (a name with glob characters matches only itself)."""
    found = registry.records.query(ModelQuery(name=name, status=None), 0, None)
    return [record for record in found if record.name == name]

"""peewee models over the guide's tables and the tables registry-tui adds.

The guide's tables (``models``, ``model_tags``, ``model_exports``) keep the
guide's names and columns, so a ``models.db`` made by the guide's code opens in
place. What registry-tui adds lives beside them:

* ``model_metrics``: one row per (model, metric) so metric conditions and
  metric ordering run through an index instead of scanning JSON;
* ``model_configs``: full configs, once per distinct ``config_hash``;
* ``registry_events``: the history, written in the same transaction as the change;
* ``checkpoint_hashes``: SHA-256 of checkpoints recorded by ``check --hashes``;
* ``registry_meta``: the schema version;
* ``metric_directions``: metrics whose better direction the registry records
  (``registry-tui metric wer --lower-better``);
* ``tag_policies``: tags the registry marks exclusive (one holder at a time) or
  shared; ``production`` is exclusive unless marked otherwise;
* ``legacy_orphans``: tag and export rows of missing models, set aside at
  migration (see :mod:`registry_tui.db.orphans`);
* ``models.version_key``: a sortable form of the semantic version.

The DDL itself is in :mod:`registry_tui.db.migrations`. Classes here are
unbound; :func:`bind` makes a set bound to one database, so several registries
(say SQLite and PostgreSQL during a move) can live in one process.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import peewee

M = TypeVar("M", bound=peewee.Model)


class LegacyTextField(peewee.TextField):
    """Text that a legacy writer may have stored as a BLOB: read with bad bytes as ``\\xff``.

    peewee's TextField would raise ``UnicodeDecodeError`` on such a row, and with
    it every query that reads the row; :mod:`registry_tui.db.legacy` reports it.
    """

    def adapt(self, value: Any) -> str:
        """Decode bytes leniently; everything else as peewee does."""
        if isinstance(value, bytes | bytearray | memoryview):
            return bytes(value).decode("utf-8", errors="backslashreplace")
        return super().adapt(value)


class _Base(peewee.Model):
    class Meta:
        legacy_table_names = False


class Models(_Base):
    """The guide's ``models`` table (plus ``version_key``)."""

    model_id = peewee.AutoField()
    name = LegacyTextField()
    version = LegacyTextField()
    checkpoint_path = LegacyTextField()
    task_type = LegacyTextField()
    config_hash = LegacyTextField(null=True)
    training_run_id = peewee.BigIntegerField(null=True)
    parent_model_id = peewee.BigIntegerField(null=True)
    created_at = peewee.DateTimeField()
    metrics = LegacyTextField(null=True)
    export_formats = LegacyTextField(null=True)
    model_size_mb = peewee.DoubleField(null=True)
    memory_req_gb = peewee.DoubleField(null=True)
    metadata = LegacyTextField(null=True)
    status = LegacyTextField(default="active")
    version_key = LegacyTextField(null=True)
    params = peewee.BigIntegerField(null=True)

    class Meta:
        table_name = "models"


class ModelTags(_Base):
    """The guide's ``model_tags`` table."""

    tag_id = peewee.AutoField()
    model_id = peewee.BigIntegerField()
    tag_name = LegacyTextField()
    created_at = peewee.DateTimeField()

    class Meta:
        table_name = "model_tags"


class ModelExports(_Base):
    """The guide's ``model_exports`` table."""

    export_id = peewee.AutoField()
    model_id = peewee.BigIntegerField()
    export_format = LegacyTextField()
    export_path = LegacyTextField()
    created_at = peewee.DateTimeField()
    metadata = LegacyTextField(null=True)

    class Meta:
        table_name = "model_exports"


class ModelMetrics(_Base):
    """Metric values, one row per model and metric, indexed by (metric, value)."""

    model_id = peewee.BigIntegerField()
    metric = peewee.TextField()
    value = peewee.DoubleField()

    class Meta:
        table_name = "model_metrics"
        primary_key = peewee.CompositeKey("model_id", "metric")


class ModelConfigs(_Base):
    """Full configs, stored once per distinct hash."""

    config_hash = peewee.TextField(primary_key=True)
    config = peewee.TextField()
    created_at = peewee.DateTimeField()

    class Meta:
        table_name = "model_configs"


class RegistryEvents(_Base):
    """The history: every change, with time, model, tag and actor."""

    event_id = peewee.AutoField()
    at = peewee.DateTimeField()
    event = peewee.TextField()
    model_id = peewee.BigIntegerField(null=True)
    tag = peewee.TextField(null=True)
    previous_model_id = peewee.BigIntegerField(null=True)
    actor = peewee.TextField()
    details = peewee.TextField(null=True)

    class Meta:
        table_name = "registry_events"


class CheckpointHashes(_Base):
    """Checkpoint content fingerprints recorded by ``check --hashes``."""

    model_id = peewee.BigIntegerField(primary_key=True)
    sha256 = peewee.TextField()
    size_bytes = peewee.BigIntegerField()
    recorded_at = peewee.DateTimeField()

    class Meta:
        table_name = "checkpoint_hashes"


class RegistryMeta(_Base):
    """Key/value settings of the database, such as ``schema_version``."""

    key = peewee.TextField(primary_key=True)
    value = peewee.TextField()

    class Meta:
        table_name = "registry_meta"


class MetricDirections(_Base):
    """A metric's recorded direction: better when lower (true) or when higher."""

    metric = peewee.TextField(primary_key=True)
    lower_is_better = peewee.BooleanField()
    set_at = peewee.DateTimeField()

    class Meta:
        table_name = "metric_directions"


class TagPolicies(_Base):
    """Whether a tag is exclusive (one holder at a time) in this registry."""

    tag = peewee.TextField(primary_key=True)
    exclusive = peewee.BooleanField()
    set_at = peewee.DateTimeField()

    class Meta:
        table_name = "tag_policies"


class LegacyOrphans(_Base):
    """A tag or export row of a missing model, kept whole (``row_data``) but never attached."""

    orphan_id = peewee.AutoField()
    source_table = peewee.TextField()
    row_id = peewee.BigIntegerField(null=True)
    model_id = peewee.BigIntegerField(null=True)
    row_data = peewee.TextField()
    set_aside_at = peewee.DateTimeField()

    class Meta:
        table_name = "legacy_orphans"


class TagProtections(_Base):
    """A protected tag: it moves only through an approved promotion request (step 11)."""

    tag = peewee.TextField(primary_key=True)
    reviewers = peewee.TextField()
    approvals = peewee.IntegerField()
    allow_self_approval = peewee.BooleanField()
    request_ttl_s = peewee.BigIntegerField(null=True)
    protected_by = peewee.TextField()
    protected_at = peewee.DateTimeField()

    class Meta:
        table_name = "tag_protections"


class PromotionRequests(_Base):
    """A request to move a protected tag (or to unprotect it), and its decision."""

    request_id = peewee.AutoField()
    kind = peewee.TextField()
    tag = peewee.TextField()
    model_id = peewee.BigIntegerField(null=True)
    reason = peewee.TextField()
    requested_by = peewee.TextField()
    requested_at = peewee.DateTimeField()
    expires_at = peewee.DateTimeField(null=True)
    holder_at_request = peewee.BigIntegerField(null=True)
    state = peewee.TextField()
    needed = peewee.IntegerField()
    allow_self = peewee.BooleanField()
    decided_by = peewee.TextField(null=True)
    decided_at = peewee.DateTimeField(null=True)
    decision_note = peewee.TextField(null=True)

    class Meta:
        table_name = "promotion_requests"


class RequestApprovals(_Base):
    """One reviewer's approval of a promotion request."""

    request_id = peewee.BigIntegerField()
    reviewer = peewee.TextField()
    at = peewee.DateTimeField()
    comment = peewee.TextField(null=True)

    class Meta:
        table_name = "request_approvals"
        primary_key = peewee.CompositeKey("request_id", "reviewer")


class _Bound(Generic[M]):
    """A :class:`Tables` attribute: ``model`` bound to the tables' database, made on first use.

    Binding makes a peewee subclass (its fields deep-copied); a CLI command
    reads two or three of the fourteen tables, so each is made when first asked for.
    """

    def __init__(self, model: type[M]) -> None:
        self.model = model

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, tables: Tables, owner: type | None = None) -> type[M]:
        bound = tables.__dict__.get(self.name)
        if bound is None:
            meta = type(
                "Meta", (), {"database": tables.database, "table_name": self.model._meta.table_name}
            )  # type: ignore[attr-defined]
            bound = type(self.model.__name__, (self.model,), {"Meta": meta, "__module__": __name__})
            tables.__dict__[self.name] = bound
        return bound  # type: ignore[no-any-return]


class Tables:
    """The model classes bound to one database (the originals stay unbound)."""

    models = _Bound(Models)
    tags = _Bound(ModelTags)
    exports = _Bound(ModelExports)
    metrics = _Bound(ModelMetrics)
    configs = _Bound(ModelConfigs)
    events = _Bound(RegistryEvents)
    hashes = _Bound(CheckpointHashes)
    meta = _Bound(RegistryMeta)
    directions = _Bound(MetricDirections)
    policies = _Bound(TagPolicies)
    orphans = _Bound(LegacyOrphans)
    protections = _Bound(TagProtections)
    requests = _Bound(PromotionRequests)
    approvals = _Bound(RequestApprovals)

    def __init__(self, database: peewee.Database) -> None:
        self.database = database


def bind(database: peewee.Database) -> Tables:
    """Every model bound to ``database``, each made when first used."""
    return Tables(database)

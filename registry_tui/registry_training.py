"""The training-loop methods of :class:`~registry_tui.registry.ModelRegistry`:
export bundles, CheckpointManager directories, the checkpoint tracker, and the importers
from the Hugging Face cache and MLflow."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from registry_tui.db.guard import guard as _guard
from registry_tui.registry_core import RegistryCore

if TYPE_CHECKING:
    from registry_tui.training import CheckpointTracker, VersionScheme
    from registry_tui.training.mlflow_import import VersionRule
    from registry_tui.training.report import ImportReport


class TrainingMethods(RegistryCore):
    """Registering what a training run leaves behind, as it leaves it."""

    @_guard
    def register_bundle(
        self,
        export_dir: str | os.PathLike[str],
        name: str,
        version: str,
        task_type: str,
        *,
        metrics: dict[str, float] | None = None,
        config: dict[str, Any] | None = None,
        tags: list[str] | None = None,
        parent_model_id: int | None = None,
        training_run_id: int | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> int:
        """Register an export bundle (the guide's ``create_export_bundle`` directory) as one
        model with every artifact recorded as an export; returns the model's id::

            model_id = registry.register_bundle(
                export_dir, "production-model", "2.0.0", "vision_classification",
                metrics=final_metrics,
            )

        The checkpoint is the bundle's PyTorch weights (``artifacts/model.pytorch.pt``;
        else its safetensors, GGUF, ONNX ... file); each artifact (``model.onnx``,
        ``model.torchscript.pt`` ...) is an export with its format, path, size and
        inspected facts. ``config.json`` is the config unless ``config`` is given, and
        ``metadata.json`` is kept under ``metadata["bundle"]``. Every artifact is read
        first and the model and its exports are written in one transaction: a missing
        or unreadable artifact refuses the whole bundle, naming it.

        Raises:
            FileNotFoundError: the directory or an artifact is missing.
            ValueError: an artifact cannot be read, or anything ``register_model`` refuses.
        """
        from registry_tui.training.export_bundle import read_bundle

        bundle = read_bundle(export_dir)
        details: dict[str, Any] = {"directory": bundle.directory}
        if bundle.metadata is not None:
            details["metadata"] = bundle.metadata
        with self.transaction():
            model_id = self.register_model(
                name, version, bundle.checkpoint.path, task_type,
                metrics=metrics, export_formats=bundle.formats, training_run_id=training_run_id,
                parent_model_id=parent_model_id, tags=tags,
                metadata={**(metadata or {}), "bundle": details},
                config=bundle.config if config is None else config,
            )  # fmt: skip
            for artifact in bundle.artifacts:
                self.add_export_format(
                    model_id, artifact.format, artifact.path, artifact.export_metadata()
                )
        return model_id

    @_guard
    def import_checkpoints(
        self,
        directory: str | os.PathLike[str],
        name: str,
        task_type: str,
        *,
        every: int = 1,
        training_run_id: int | None = None,
        monitor: str = "val_loss",
        mode: str = "min",
    ) -> ImportReport:
        """Register a CheckpointManager directory from its ``checkpoint_registry.json``.

        Every ``every``-th epoch and the last are registered as ``1.<epoch>.0`` with the
        entry's metrics and config, the run id, the previous checkpoint as parent and the
        git commit in ``metadata["checkpoint_manager"]``; the best by ``monitor``/``mode``
        holds the run's best tag (``best-run-<id>``, else ``best-<name>``); models of
        ``name`` in the directory whose files the manager has deleted are retired, the
        history saying why. Idempotent (an entry already registered is left alone) and one
        transaction. Returns an :class:`~registry_tui.training.manager_import.ImportReport`.
        """
        from registry_tui.training.manager_import import import_directory

        return import_directory(
            self, directory, name, task_type, every=every, training_run_id=training_run_id,
            monitor=monitor, mode=mode,
        )  # fmt: skip

    @_guard
    def import_hf_cache(
        self, cache_dir: str | os.PathLike[str] | None = None, repo: str | None = None
    ) -> ImportReport:
        """Register the model revisions of the local Hugging Face cache (offline)::

            report = registry.import_hf_cache(repo="meta-llama/*")

        Each revision of a cached model repo becomes a lineage root named by the repo
        id, its snapshot folder the (inspected) checkpoint, ``metadata["hf"]`` holding
        ``repo_id``, ``revision`` (the commit hash), ``refs`` and ``files`` (name, size
        and, for an LFS file, the sha256 its blob is named by). The task type is the
        model card's ``pipeline_tag``, else ``config.json``'s architecture, else
        ``unknown``. The first revision of a repo imported is ``1.0.0``, later ones
        ``1.1.0``, ``1.2.0`` ... (oldest snapshot first); a revision already imported is
        left alone. Dataset and space repos are skipped and counted. One transaction.

        Args:
            cache_dir: the cache (default: ``HF_HUB_CACHE``, else ``~/.cache/huggingface/hub``).
            repo: a shell glob on the repo id (``org/*``); default every model repo.

        Raises:
            ValueError: ``huggingface_hub`` is not installed (``pip install
                'registry-tui[hf]'``), or the cache is not there.
        """
        from registry_tui.training.hf_cache import import_cache

        return import_cache(self, cache_dir, repo)

    @_guard
    def import_mlflow(self, uri: str, version_scheme: VersionRule = "major") -> ImportReport:
        """Register the registered models of an MLflow registry, version by version::

            report = registry.import_mlflow("sqlite:///mlflow.db")

        Each MLflow version ``N`` of a registered model becomes a model of that name,
        versioned by ``version_scheme`` (:data:`~registry_tui.training.mlflow_import.SCHEMES`:
        ``"major"`` ``N.0.0``, the default; ``"minor"`` ``1.N.0``; ``"patch"``
        ``1.0.N``; a template such as ``"2.{N}.0"``; or ``scheme(N) -> str``), with the
        run's latest metrics, ``metadata["mlflow"]`` (model version, run id, source,
        model URI, stage, version tags) and the source as the checkpoint (see
        :mod:`registry_tui.training.mlflow_import`). Aliases become tags held by one
        version of the model; an alias whose tag the registry keeps exclusive
        (``production``) is not applied, and the report says so. A version already
        imported is left alone; everything is one transaction.

        Args:
            uri: an MLflow database URL (``sqlite:///mlflow.db``,
                ``postgresql://...``) or a tracking server URL (``http://host:5000``).
            version_scheme: how MLflow's integer versions become semantic versions.

        Raises:
            ValueError: ``mlflow`` is not installed (``pip install mlflow``), the
                database is not there, a scheme that makes no semantic version, or a
                version the registry already holds from elsewhere.
        """
        from registry_tui.training.mlflow_import import import_registry

        return import_registry(self, uri, version_scheme)

    def track(
        self,
        name: str,
        task_type: str,
        *,
        config: dict[str, Any] | None = None,
        base_version: str | VersionScheme = "1.0.0",
        parent_model_id: int | None = None,
        training_run_id: int | None = None,
        every: int = 1,
        monitor: str = "val_loss",
        mode: str = "min",
        best_tag: str | None = None,
        keep_files_of: str | os.PathLike[str] | None = None,
    ) -> CheckpointTracker:
        """A :class:`~registry_tui.training.CheckpointTracker` registering a training run's
        checkpoints as the loop saves them (the guide's CheckpointManager pattern)::

            with registry.track("gpt-small", "language_modeling", config=config,
                                training_run_id=run_id, every=5,
                                keep_files_of="checkpoints") as tracker:
                for epoch in range(epochs):
                    path = checkpoint_mgr.save(model=model, epoch=epoch, metrics=metrics)
                    tracker.saved(path, metrics, epoch=epoch)

        Args:
            name: every checkpoint's model name.
            task_type: every checkpoint's task type.
            config: the training config, stored once; later checkpoints reuse its hash.
            base_version: ``M.m.p``: epoch ``e`` (else step ``e``) is registered as
                ``M.<m+e>.p`` (``1.5.0`` for epoch 5); or ``scheme(epoch, step) -> str``.
            parent_model_id: the base model every checkpoint was fine-tuned from;
                without it each checkpoint's parent is the run's previous one.
            training_run_id: the run's id (ExperimentDB), on every checkpoint.
            every: register every ``every``-th ``saved`` call (the first included);
                ``finish()`` (or leaving the ``with``) registers the last one too.
            monitor: the metric deciding the run's best checkpoint.
            mode: ``"min"`` (lower is better) or ``"max"``.
            best_tag: the tag the run's best holds, moved as a better one comes
                (default ``best-run-<training_run_id>``, else ``best-<name>``); a
                tag exclusive across the registry (``production``) is refused.
            keep_files_of: the folder a rotation (keep-last-N) deletes checkpoints
                from: the run's checkpoints there whose files are gone are retired,
                the history saying why. ``None``: files are not followed.

        Only the main process of a distributed job (rank 0 by ``RANK``,
        ``SLURM_PROCID``, ``OMPI_COMM_WORLD_RANK``, ``PMI_RANK``,
        ``JSM_NAMESPACE_RANK`` or ``LOCAL_RANK``) registers; elsewhere the tracker does
        nothing. An exception in the ``with`` block marks the tracker ``failed`` and
        registers the last checkpoint saved if ``every`` had skipped it; a registration
        is one transaction, so none is ever left half-written.
        """
        from registry_tui.training.best import refuse_exclusive
        from registry_tui.training.tracker import CheckpointTracker, options

        checked = options(
            name, task_type, config=config, base_version=base_version,
            parent_model_id=parent_model_id, training_run_id=training_run_id, every=every,
            monitor=monitor, mode=mode, best_tag=best_tag, keep_files_of=keep_files_of,
        )  # fmt: skip
        refuse_exclusive(checked.best_tag, self.tag_policies())
        return CheckpointTracker(self, checked)

"""ModelRegistry: the guide's API over the peewee data layer.

The core (registering, reading, listing, tags, lifecycle, history) is
:class:`~registry_tui.registry_core.RegistryCore`; each further area adds its
methods from a module of its own, mixed in here.
"""

from __future__ import annotations

from registry_tui.registry_cards import CardMethods
from registry_tui.registry_governance import GovernanceMethods
from registry_tui.registry_reads import ReadMethods
from registry_tui.registry_runs import RunMethods
from registry_tui.registry_training import TrainingMethods


class ModelRegistry(TrainingMethods, CardMethods, RunMethods, GovernanceMethods, ReadMethods):
    """A model registry on SQLite (a path or ``sqlite:///``) or PostgreSQL (a URL).

    Args:
        db: ``models.db``, ``sqlite:///path``, or ``postgresql://user:pass@host:port/name``.
        clock: returns the current time as a naive UTC datetime (tests fix it).
        actor: who the history records as making changes (default ``user@host``).
        read_only: browse without writing anything: every change is refused, the
            schema is never migrated (a registry that needs it is refused with how to
            upgrade it), a SQLite file is opened ``mode=ro`` and never created.
        experiments: where training runs live (an ExperimentDB file, or an MLflow
            tracking URI): ``get_model``, :meth:`run_of` and :meth:`runs` then show
            each model's run. A place that cannot be read never stops the registry
            (see ``runs_notice``).

    Example:
        >>> with ModelRegistry("models.db") as registry:
        ...     registry.list_models(task_type="language_modeling")
    """

"""The model-card method of :class:`~registry_tui.registry.ModelRegistry`."""

from __future__ import annotations

from registry_tui import validate
from registry_tui.db import reads
from registry_tui.db.guard import guard as _guard
from registry_tui.record_api import stored_config
from registry_tui.registry_runs import RunMethods


class CardMethods(RunMethods):
    """``model_card``: a Hugging Face ``README.md`` written from what the registry holds."""

    @_guard
    def model_card(self, model_id: int, template: str | None = None) -> str:
        """A Hugging Face ``README.md`` for the model, written from what the registry records::

            Path("README.md").write_text(registry.model_card(ft_id), encoding="utf-8")
            registry.model_card(ft_id, template="$front_matter\\n# $title\\n\\n$metrics\\n")

        Args:
            model_id: the model.
            template: ``string.Template`` text placing the card's fields (``$metrics``,
                ``$lineage`` ...; the README lists them all), instead of the default card.

        Returns:
            The card: YAML front matter (license, library_name, pipeline_tag, tags,
            base_model, model-index) and Markdown sections, user text escaped.

        Raises:
            ValueError: a template naming an unknown field (named in the message).
            LookupError: no model has this id.
        """
        from registry_tui.cards import checked_template, gather, render_card

        mid = validate.model_id(model_id)
        if template is not None:
            checked_template(template)
        facts = gather(
            self.records, mid, config=stored_config(self._store, mid),
            directions=self.metric_directions(),
            recorded_hash=reads.checkpoint_hash(self._store, mid), generated_at=self._now(),
            run=self.run_of(mid) if self.experiments is not None else None,
        )  # fmt: skip
        return render_card(facts, template)

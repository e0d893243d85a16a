"""Framework hooks registering checkpoints as training saves them.

* :mod:`registry_tui.integrations.hf`: ``RegistryCallback``, a Hugging Face
  ``TrainerCallback`` (the ``hf-trainer`` extra);
* :mod:`registry_tui.integrations.lightning`: ``RegistryLogger``, a PyTorch
  Lightning logger (the ``lightning`` extra).

Each is built on :class:`~registry_tui.training.CheckpointTracker` and imports its
framework only when the module itself is imported; without the framework the class
keeps the same hooks over ``object``, so it can be driven (and tested) by hand.
"""

"""The object stores the remote-checkpoint tests read (see :mod:`tests.remote.stores`)."""

from tests.remote.stores import gcs, gcs_endpoint, hub, memory, moto_endpoint, s3  # noqa: F401

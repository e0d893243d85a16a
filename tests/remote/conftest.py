"""The object stores the remote-checkpoint tests read (see :mod:`tests.remote.stores`)."""

from tests.remote.stores import (  # noqa: F401
    gcs,
    gcs_endpoint,
    hub,
    hub_server,
    memory,
    moto_endpoint,
    s3,
)

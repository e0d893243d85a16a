"""Which process of a distributed job this is: only the main one (rank 0) registers.

Launchers say so in the environment: ``torchrun`` and Accelerate set ``RANK`` (and
``LOCAL_RANK``), SLURM ``SLURM_PROCID``, Open MPI ``OMPI_COMM_WORLD_RANK``, MPICH
and Intel MPI ``PMI_RANK``, IBM's jsrun ``JSM_NAMESPACE_RANK``. The global rank is
read first; without one, a local rank is counted within its machine's rank
(``NODE_RANK``, ``GROUP_RANK``, ``SLURM_NODEID``), so only local rank 0 of node 0 is
the main process.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

GLOBAL_RANK_VARIABLES = (
    "RANK",
    "SLURM_PROCID",
    "OMPI_COMM_WORLD_RANK",
    "PMI_RANK",
    "JSM_NAMESPACE_RANK",
)
"""Variables holding a process's rank in the whole job, in the order they are read."""

LOCAL_RANK_VARIABLES = ("LOCAL_RANK", "SLURM_LOCALID", "OMPI_COMM_WORLD_LOCAL_RANK")
"""Variables holding its rank on its machine, read when no global rank is set."""

NODE_RANK_VARIABLES = ("NODE_RANK", "GROUP_RANK", "SLURM_NODEID")
"""Variables holding the machine's rank, which a local rank is counted within."""


def process_rank(environ: Mapping[str, str] | None = None) -> int:
    """This process's rank by the launchers' variables; 0 when none is set (or none reads
    as a whole number, as an unrelated ``RANK=high`` would)."""
    env = os.environ if environ is None else environ
    found = _first(env, GLOBAL_RANK_VARIABLES)
    if found is not None:
        return found
    local = _first(env, LOCAL_RANK_VARIABLES)
    if local is None:
        return 0
    node = _first(env, NODE_RANK_VARIABLES) or 0
    return node * max(_first(env, ("LOCAL_WORLD_SIZE",)) or 1, local + 1) + local


def _first(env: Mapping[str, str], names: tuple[str, ...]) -> int | None:
    """The first of ``names`` set to a whole number."""
    for name in names:
        value = env.get(name, "").strip()
        if value.isdigit():
            return int(value)
    return None


def is_main_process(environ: Mapping[str, str] | None = None) -> bool:
    """True on rank 0 (or outside any distributed launcher)."""
    return process_rank(environ) == 0

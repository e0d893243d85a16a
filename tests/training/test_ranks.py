"""Which process registers: rank 0 by the launchers' environment variables."""

from __future__ import annotations

import pytest

from registry_tui.training import is_main_process, process_rank


@pytest.mark.parametrize(
    ("environ", "rank"),
    [
        ({}, 0),
        ({"RANK": "3", "LOCAL_RANK": "0"}, 3),
        ({"LOCAL_RANK": "2"}, 2),
        ({"SLURM_PROCID": "0", "SLURM_LOCALID": "1"}, 0),
        ({"OMPI_COMM_WORLD_RANK": "5"}, 5),
        ({"PMI_RANK": "1"}, 1),
        ({"JSM_NAMESPACE_RANK": "4"}, 4),
        ({"RANK": "high", "PMI_RANK": "2"}, 2),
        ({"RANK": " 0 "}, 0),
        ({"LOCAL_RANK": "0", "NODE_RANK": "1", "LOCAL_WORLD_SIZE": "4"}, 4),
        ({"LOCAL_RANK": "0", "NODE_RANK": "1"}, 1),
        ({"LOCAL_RANK": "1", "GROUP_RANK": "0"}, 1),
    ],
)
def test_the_rank_is_read_from_the_usual_variables(environ: dict[str, str], rank: int) -> None:
    """The global rank wins over a local one, which counts within its node's rank (so local
    rank 0 of node 1 is not the main process); a value that is not a number is skipped."""
    assert process_rank(environ) == rank
    assert is_main_process(environ) is (rank == 0)

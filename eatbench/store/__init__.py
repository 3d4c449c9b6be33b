"""The results store (SQLite): typed records in, typed records out.

- :mod:`eatbench.store.records`: one frozen dataclass per table row;
- :mod:`eatbench.store.results`: :class:`ResultsStore`, reading and writing them;
- :mod:`eatbench.store.connection`: schema, migrations, WAL, read-only folders, one-line errors;
- :mod:`eatbench.store.liveness`: telling a run killed by SIGKILL from a running one.
"""

from eatbench.store.connection import SCHEMA_VERSION
from eatbench.store.records import (
    MetricKey,
    MetricValue,
    PooledValue,
    RunRecord,
    SeriesClip,
    SeriesRecord,
    VideoRecord,
    canonical_json,
    pack_state,
    unpack_state,
)
from eatbench.store.results import ResultsStore, default_store_path

__all__ = [
    "SCHEMA_VERSION",
    "MetricKey",
    "MetricValue",
    "PooledValue",
    "ResultsStore",
    "RunRecord",
    "SeriesClip",
    "SeriesRecord",
    "VideoRecord",
    "canonical_json",
    "default_store_path",
    "pack_state",
    "unpack_state",
]

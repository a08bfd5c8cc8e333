"""Indicator figures of the dashboards, kept per process until the records change.

A dashboard computes its indicators from the records lake (DuckDB over Delta tables), which
takes tens of milliseconds per period even on a small centre, while the records change only when
someone imports. The figures are kept under the version of every lake table: an import (or a
clear, a compaction) makes a new version, so the next request computes afresh. Records elsewhere
(CSPERF_RECORDS_URL) have no such version: their figures are computed on every request.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

from csperf.ingest.lake import LAKE_DIR, Lake
from csperf.ingest.store import resolve_records_url

KEEP = 512  # computed figures a process keeps (each is one period of some units)

_lock = threading.Lock()
_kept: OrderedDict[tuple, Any] = OrderedDict()


def records_state(data_dir: Path | None = None) -> tuple | None:
    """The version of every table of the embedded lake (directory listings, no table read);
    None when the records are not in the embedded lake or it cannot be listed."""
    if resolve_records_url():
        return None
    lake = Lake(Path(data_dir or settings.DATA_DIR) / LAKE_DIR)
    try:
        names = sorted(e.name for e in os.scandir(lake.root) if e.is_dir())
        # the log directory itself too: a table cleared and imported again starts over at
        # version 0, in a new directory
        logs = [os.stat(lake.path(name) / "_delta_log") for name in names]
    except OSError:
        return None
    return (
        str(lake.root),
        *(
            (name, lake.version(name), log.st_ino, log.st_mtime_ns)
            for name, log in zip(names, logs, strict=True)
        ),
    )


def cached(state: tuple | None, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, or what it returned before for ``key`` under the same records state.
    The value is shared between requests: callers must not change it."""
    if state is None:
        return compute()
    full = (state, *key)
    with _lock:
        if full in _kept:
            _kept.move_to_end(full)
            return _kept[full]
    value = compute()  # outside the lock: two requests may compute the same figures once each
    with _lock:
        _kept[full] = value
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return value


def forget() -> None:
    """Drop every kept figure (tests)."""
    with _lock:
        _kept.clear()

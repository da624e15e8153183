"""An exited gunicorn worker or Celery pool process leaves no live-gauge files behind (multi-process mode)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

from airline.celery import forget_metrics_of_exiting_process
from tests.support.processes import ROOT


def _gunicorn_child_exit():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return lambda pid: module.child_exit(server=None, worker=SimpleNamespace(pid=pid))


@pytest.mark.parametrize(
    "hook", [pytest.param(lambda pid: forget_metrics_of_exiting_process(pid=pid, exitcode=0), id="celery"),
             pytest.param(_gunicorn_child_exit(), id="gunicorn")],
)  # fmt: skip
def test_the_exit_hooks_drop_the_live_gauges_of_that_process_only(
    hook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    files = ["gauge_livesum_4242.db", "gauge_livesum_4343.db", "counter_4242.db", "histogram_4242.db"]
    for name in files:
        (tmp_path / name).write_bytes(b"")
    hook(4242)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["counter_4242.db", "gauge_livesum_4343.db", "histogram_4242.db"], "another process's stay"

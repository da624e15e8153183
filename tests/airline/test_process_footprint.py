"""What a process of the project loads before it does any work: the app without the rebooking solver's SciPy."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.processes import ROOT, child_env

LOADED = """
import sys
import django
django.setup()
from airline.celery import app
app.loader.import_default_modules()
print(",".join(sorted(name for name in ("numpy", "scipy") if name in sys.modules)))
"""


@pytest.mark.django_db
def test_loading_the_app_and_its_tasks_leaves_the_solvers_scipy_unloaded() -> None:
    # About 70 MiB per process (web workers, beat, the worker's main process) that never solve a rebooking.
    loaded = subprocess.run(
        [sys.executable, "-c", LOADED], cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=60
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == ""

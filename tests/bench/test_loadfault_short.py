"""The short load and fault run (bench/loadfault.py --short) as CI runs it: 6 respondents
for 8 s against gunicorn with one worker killed; the printed invariants must hold."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _value(output: str, label: str) -> str:
    match = re.search(rf"^{re.escape(label)}:\s+(.*)$", output, re.MULTILINE)
    assert match, f"{label!r} missing from the printout:\n{output}"
    return match.group(1)


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this venv")
def test_short_load_and_fault_run():
    run = subprocess.run(
        [sys.executable, "bench/loadfault.py", "--short"], cwd=ROOT, capture_output=True,
        text=True, timeout=180,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    accepted = int(_value(output, "accepted submissions"))
    assert accepted > 0
    assert int(_value(output, "stored responses")) == accepted
    assert _value(output, "partial responses").startswith("0 ")
    assert _value(output, "counters vs rows") == "match"
    assert "500" not in _value(output, "5xx seen (by code)")
    assert _value(output, "requests failed after retries") == "0"
    assert _value(output, "sends left unresolved") == "0"
    assert "recovered: yes" in _value(output, "worker kill (SIGKILL)")
    assert re.search(r"accepted after it: [1-9]", _value(output, "worker kill (SIGKILL)"))
    repeats = _value(output, "same form sent again")
    assert repeats.endswith(", 0 otherwise")
    assert _value(output, "result") == "OK"

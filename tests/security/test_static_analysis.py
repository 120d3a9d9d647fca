"""bandit over the application's Python code: no high-severity finding."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ["core", "survey", "cafe", "steering", "app.py", "demo.py"]


def test_bandit_finds_nothing_of_high_severity():
    bandit = Path(sys.executable).with_name("bandit")
    command = [str(bandit), "-r", *TARGETS, "-lll", "-q", "-f", "json"]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.stdout, f"bandit printed nothing (exit {run.returncode}): {run.stderr}"
    report = json.loads(run.stdout)
    assert report["errors"] == [], report["errors"]
    high = [r for r in report["results"] if r["issue_severity"] == "HIGH"]
    assert not high, "\n".join(
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in high
    )
    scanned = report["metrics"]["_totals"]["loc"]
    assert scanned > 1000, f"bandit scanned only {scanned} lines"

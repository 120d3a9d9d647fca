"""Known vulnerabilities in the installed dependencies (pip-audit).

pip-audit asks the package index's JSON API about each installed release. Where the index
answers only for projects and not for single releases (as on machines behind a restricted
mirror, where every package comes back "not found"), the same advisory data is read from the
project answer, which describes the latest release: every installed package that *is* the
latest release is still audited, and the rest are listed. The test is skipped, with the
reason, only when no advisory data can be had at all."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "medarbetardialog"


def _pip_audit() -> dict:
    command = [
        str(Path(sys.executable).with_name("pip-audit")), "--local", "--skip-editable",
        "--progress-spinner", "off", "--format", "json", "--timeout", "20",
    ]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    if not run.stdout.strip():
        pytest.skip(f"pip-audit could not reach the vulnerability service: {run.stderr[-400:]}")
    return json.loads(run.stdout)


def _describe(name: str, version: str, vulns: list[dict]) -> str:
    ids = ", ".join(v.get("id", "?") for v in vulns)
    fixes = sorted({f for v in vulns for f in v.get("fix_versions", v.get("fixed_in", []))})
    return f"{name} {version}: {ids} (fixed in {', '.join(fixes) or 'no release yet'})"


def _installed() -> dict[str, str]:
    found = {}
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"] or "")
        if name and name != PROJECT:
            found[name] = dist.version
    return found


def _latest_release_advisories(name: str, version: str) -> tuple[str, list[dict] | None]:
    """(name, advisories) when ``version`` is the project's latest release, else (name, None)."""
    from pip._internal.models.index import PyPI  # the index pip and pip-audit use

    url = f"{PyPI.pypi_url}/{name}/json"
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310  (https only)
            project = json.load(answer)
        if Version(project["info"]["version"]) != Version(version):
            return name, None
    except (OSError, ValueError, KeyError, InvalidVersion, urllib.error.URLError):
        return name, None
    advisories = [v for v in project.get("vulnerabilities") or [] if not v.get("withdrawn")]
    return name, advisories


def test_no_known_vulnerabilities_in_installed_packages():
    report = _pip_audit()
    installed = _installed()
    vulnerable, audited = [], set()
    for dep in report.get("dependencies", []):
        name = canonicalize_name(dep["name"])
        if dep.get("vulns"):
            vulnerable.append(_describe(name, dep.get("version", "?"), dep["vulns"]))
        if "skip_reason" not in dep:
            audited.add(name)

    unaudited = sorted(set(installed) - audited)
    if unaudited:
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda n: _latest_release_advisories(n, installed[n]),
                                    unaudited))
        for name, advisories in answers:
            if advisories is None:
                continue
            audited.add(name)
            if advisories:
                vulnerable.append(_describe(name, installed[name], advisories))
        unaudited = sorted(set(installed) - audited)

    print(f"audited {len(audited)} of {len(installed)} installed packages; "
          f"not audited (older than their latest release, no per-release data): "
          f"{', '.join(f'{n} {installed[n]}' for n in unaudited) or 'none'}")
    assert not vulnerable, "known vulnerabilities:\n" + "\n".join(vulnerable)
    if not audited:
        pytest.skip("the vulnerability service answered for no installed package")

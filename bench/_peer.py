"""The peer side of bench/peer.py: django-survey-and-report in its own virtual
environment (bench/out/peer-venv), a minimal Django project (bench/out/peer-project, made
from bench/peer_site and bench/peer_tool.py), its commands and its gunicorn server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _common import HOST, OUT, ROOT, free_port, quiet_options, start_server

BENCH = Path(__file__).resolve().parent
PEER_PACKAGE = "django-survey-and-report"
PEER_VENV = OUT / "peer-venv"
PEER_PROJECT = OUT / "peer-project"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ensure_peer_venv() -> dict[str, str]:
    """Create bench/out/peer-venv and install the peer and gunicorn (once); their versions."""
    python = PEER_VENV / "bin" / "python"
    marker = PEER_VENV / ".installed"
    if not marker.exists():
        log(f"installing {PEER_PACKAGE} and gunicorn into {PEER_VENV.relative_to(ROOT)}")
        shutil.rmtree(PEER_VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", PEER_PACKAGE, "gunicorn"], check=True)
        marker.touch()
    listing = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
        check=True, capture_output=True, text=True,
    ).stdout
    versions = {p["name"].lower(): p["version"] for p in json.loads(listing)}
    return {name: versions.get(name, "?") for name in (PEER_PACKAGE, "django", "gunicorn")}


def peer_env(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE")}
    env.update({"DJANGO_SETTINGS_MODULE": "peer_site.settings", "PEER_DATABASE": str(database),
                "PYTHONWARNINGS": "ignore", "PYTHONUNBUFFERED": "1"})
    return env


def peer_run(database: Path, *args: str) -> dict:
    """A peer_tool.py command (or ``-m django …``) in the peer venv; its JSON output."""
    python = str(PEER_VENV / "bin" / "python")
    command = [python, *args] if args[0] == "-m" else [python, "peer_tool.py", *args]
    done = subprocess.run(command, cwd=PEER_PROJECT, env=peer_env(database), check=True,
                          capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def peer_questions() -> dict:
    """Our built-in 20 questions (HME + workload) in the peer's terms: agreement scales and
    yes/no as radio buttons with the same Swedish labels, the caseload as an integer, the
    open question as free text; the same required flags."""
    from survey.library import AGREE_SV, HME_AND_WORKLOAD

    sections = []
    for section in HME_AND_WORKLOAD["sections"]:
        questions = []
        for q in section["questions"]:
            item = {"text": q["text_sv"], "required": bool(q.get("required"))}
            if q["type"] == "agreement":
                labels = list(AGREE_SV) + (["Kan inte svara"] if q.get("allow_cannot_answer")
                                           else [])
                item.update(type="radio", choices=labels)
            elif q["type"] == "yesno":
                item.update(type="radio", choices=["Ja", "Nej"])
            elif q["type"] == "number":
                item.update(type="integer")
            else:
                item.update(type="text")
            questions.append(item)
        sections.append({"title": section["title_sv"], "questions": questions})
    return {"title": HME_AND_WORKLOAD["title_sv"], "intro": HME_AND_WORKLOAD["intro_sv"],
            "sections": sections}


def build_peer_project(database: Path) -> dict:
    """A fresh project folder and database with the survey; the survey's description."""
    if PEER_PROJECT.exists():
        shutil.rmtree(PEER_PROJECT)
    PEER_PROJECT.mkdir(parents=True)
    shutil.copytree(BENCH / "peer_site", PEER_PROJECT / "peer_site",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(BENCH / "peer_tool.py", PEER_PROJECT / "peer_tool.py")
    for folder in ("csv", "tex"):
        (PEER_PROJECT / folder).mkdir()
    (PEER_PROJECT / "questions.json").write_text(
        json.dumps(peer_questions(), ensure_ascii=False), encoding="utf-8")
    return new_peer_database(database)


def new_peer_database(database: Path) -> dict:
    peer_run(database, "-m", "django", "migrate", "--verbosity", "0")
    return peer_run(database, "setup", "questions.json")


def start_peer_server(database: Path):
    port = free_port()
    gunicorn = str(PEER_VENV / "bin" / "gunicorn")
    command = [gunicorn, *quiet_options(gunicorn), "--workers", "2", "--worker-class", "sync",
               "--bind", f"{HOST}:{port}", "peer_site.wsgi"]
    return start_server(command, peer_env(database), PEER_PROJECT / "gunicorn.log", "/survey/",
                        cwd=PEER_PROJECT)


def peer_export(rows: int) -> dict:
    database = PEER_PROJECT / "export.sqlite3"
    new_peer_database(database)
    inserted = peer_run(database, "bulk", str(rows), "11")
    timed = peer_run(database, "export")
    timed["insert_seconds"] = inserted["seconds"]
    database.unlink(missing_ok=True)
    return timed

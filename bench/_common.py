"""What the benchmark scripts share: a free loopback port, a throw-away instance folder (its
own SECRET_KEY and database), a prepared survey wave, gunicorn started with the production
settings (``gunicorn.conf.py``) and stopped again, the pids of its workers, and a throw-away
PostgreSQL cluster. Everything binds to 127.0.0.1 only."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
HOST = "127.0.0.1"
WAVE_NAME = "Benchmark wave"
INSTRUMENT_CODE = "hme-arbetsbelastning"  # the built-in 20 questions (HME + workload)
BENCH_CLIENT_LIMIT = 10**9  # answering sessions per address and hour: never reached

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def venv_bin(name: str) -> str:
    """A program of the project's virtual environment (the one running this script)."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


@dataclass
class Instance:
    """A temporary instance folder: ``config.py`` with a fresh SECRET_KEY, the database URL
    and the environment gunicorn and the app are started with."""

    path: Path
    database_url: str
    secret_key: str

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MEDARBETARDIALOG_")}
        env.update({
            "MEDARBETARDIALOG_INSTANCE_PATH": str(self.path),
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": self.database_url,
            "PYTHONUNBUFFERED": "1",
        })
        return env

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def make_instance(database_url: str | None = None, prefix: str = "bench-") -> Instance:
    """A new instance folder under the system's temporary directory (SQLite inside it
    unless ``database_url`` names another database). Its ``config.py`` holds a fresh
    SECRET_KEY and raises the per-address limit of open links out of reach, since every
    simulated respondent comes from the same loopback address."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    key = secrets.token_hex(32)
    # every simulated respondent comes from 127.0.0.1: the per-address count of open links
    # is kept (its cost is measured) with a limit no run reaches
    (path / "config.py").write_text(
        f"SECRET_KEY = {key!r}\nSURVEY_RESPONSES_PER_CLIENT = {BENCH_CLIENT_LIMIT}\n",
        encoding="utf-8")
    url = database_url or f"sqlite:///{path / 'app.sqlite'}"
    return Instance(path, url, key)


def create_app_for(instance: Instance):
    """The application object for ``instance`` in this process (setup and counting)."""
    from app import create_app

    return create_app({"DATABASE_URL": instance.database_url, "SECRET_KEY": instance.secret_key,
                       "SURVEY_RESPONSES_PER_CLIENT": BENCH_CLIENT_LIMIT})


def prepare_survey(instance: Instance) -> int:
    """Create the schema, the organisation and an open open-link wave of the built-in
    20-question instrument; return the wave id."""
    from core.db import Base, get_session
    from core.org.seed import seed_organisation
    from survey.catalog import latest_instrument
    from survey.library import load_library
    from survey.waves.lifecycle import create_wave, open_wave

    app = create_app_for(instance)
    with app.app_context():
        Base.metadata.create_all(app.extensions["db_engine"])
        db = get_session()
        seed_organisation(db)
        load_library(db)
        instrument = latest_instrument(db, INSTRUMENT_CODE)
        today = date.today()
        wave = create_wave(
            db, name=WAVE_NAME, instrument=instrument, opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=30), mode="open-link",
        )
        open_wave(db, wave)
        db.commit()
        wave_id = wave.id
    app.extensions["db_engine"].dispose()
    return wave_id


def unit_codes() -> dict[str, list[str]]:
    """The seeded codes a respondent picks from (district, service area, role)."""
    from core.org.seed import DISTRICTS, SERVICE_AREAS, STAFF_ROLES

    return {
        "district": [c for c, *_ in DISTRICTS],
        "service_area": [c for c, *_ in SERVICE_AREAS],
        "staff_role": [c for c, *_ in STAFF_ROLES],
    }


@dataclass
class Server:
    """A running gunicorn master (``process``) listening on ``port``."""

    process: subprocess.Popen
    port: int
    log_path: Path
    log_file: object = field(repr=False, default=None)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def worker_pids(self) -> list[int]:
        return child_pids(self.process.pid)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.log_file is not None:
            self.log_file.close()


def child_pids(pid: int) -> list[int]:
    """The pids whose parent is ``pid`` (gunicorn's workers are the master's children)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return sorted(int(p) for p in children.read_text().split())
    except OSError:
        pass
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def wait_http(url: str, timeout: float = 60.0, process: subprocess.Popen | None = None) -> bool:
    """Poll ``url`` until it answers 200 (False after ``timeout`` or if ``process`` died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return False


def start_server(
    command: list[str], env: dict[str, str], log_path: Path, health_url_path: str,
    cwd: Path = ROOT, workers: int = 2, timeout: float = 90.0,
) -> Server:
    """Start a gunicorn ``command`` (its port given by ``--bind``), wait until
    ``health_url_path`` answers and every worker is up; raise RuntimeError if it does not."""
    port = int(command[command.index("--bind") + 1].rsplit(":", 1)[1])
    log_file = open(log_path, "w", encoding="utf-8")  # closed by Server.stop
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=log_file, stderr=subprocess.STDOUT,
    )
    server = Server(process, port, log_path, log_file)
    if not wait_http(server.url + health_url_path, timeout, process):
        server.stop()
        raise RuntimeError(f"gunicorn did not start:\n{server.log_tail()}")
    deadline = time.monotonic() + timeout
    while len(server.worker_pids()) < workers and time.monotonic() < deadline:
        time.sleep(0.1)
    return server


_options_cache: dict[str, list[str]] = {}


def quiet_options(gunicorn: str) -> list[str]:
    """``--no-control-socket`` where gunicorn has a control socket (27 and later): every
    master would otherwise claim the same ~/.gunicorn/gunicorn.ctl, and several benchmark
    servers (and developers) run at once."""
    if gunicorn not in _options_cache:
        shown = subprocess.run([gunicorn, "--help"], capture_output=True, text=True).stdout
        _options_cache[gunicorn] = ["--no-control-socket"] if "--no-control-socket" in shown else []
    return _options_cache[gunicorn]


def start_app_server(instance: Instance, workers: int = 2,
                     log_name: str = "gunicorn.log") -> Server:
    """This project under gunicorn with ``gunicorn.conf.py`` (production settings) on a
    free loopback port; several servers of one instance need their own ``log_name``."""
    port = free_port()
    gunicorn = venv_bin("gunicorn")
    command = [
        gunicorn, "-c", str(ROOT / "gunicorn.conf.py"), *quiet_options(gunicorn),
        "--bind", f"{HOST}:{port}", "--workers", str(workers), "app:create_app()",
    ]
    return start_server(command, instance.env, instance.path / log_name, "/healthz",
                        workers=workers)


def kill_one_worker(server: Server) -> int | None:
    """SIGKILL one worker of ``server``; its pid, or None when none was found."""
    pids = server.worker_pids()
    if not pids:
        return None
    os.kill(pids[0], signal.SIGKILL)
    return pids[0]


class PostgresCluster:
    """A throw-away PostgreSQL server in a temporary folder on a free port (as .ci/run
    does: ``initdb -A trust``, run as the postgres user when we are root)."""

    def __init__(self) -> None:
        self.bin = find_postgres_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.dir = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, user="postgres")
        self._run(f"{self.bin}/initdb -D {self.data} -A trust -U postgres --no-sync")
        self.start()
        self._run(f"{self.bin}/createdb -h {HOST} -p {self.port} -U postgres bench")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/bench"

    def _run(self, command: str) -> None:
        if os.geteuid() == 0:
            argv = ["su", "postgres", "-s", "/bin/sh", "-c", command]
        else:
            argv = ["sh", "-c", command]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses={HOST} -c fsync=off"
        self._run(
            f"{self.bin}/pg_ctl -D {self.data} -l {self.dir}/log -o '{options}' -w "
            f"{' '.join(extra)} {action}"
        )

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every session is cut off, then the server returns."""
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        try:
            self._ctl("stop", "-m", "fast")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def find_postgres_bin() -> str | None:
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: [int(n) for n in p.parent.name.split(".") if n.isdigit()],
    )
    for path in reversed(candidates):
        if (path / "pg_ctl").exists():
            return str(path)
    found = shutil.which("pg_ctl")
    return str(Path(found).parent) if found else None

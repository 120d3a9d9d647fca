"""``bench/submit.py --profile N``: N one-page submissions straight into the WSGI
application (no HTTP, no gunicorn; the request bodies encoded beforehand), first timed
plainly, then N more under cProfile, with the profiler's own time summed per library."""

from __future__ import annotations

import random
import time

from _common import create_app_for, make_instance, prepare_survey
from _load import hidden_fields
from submit import FormPlan


def _call(app, environ: dict) -> str:
    """One request straight into the WSGI application; its status line."""
    status: list[str] = []
    body = app(environ, lambda line, headers, exc_info=None: status.append(line))
    b"".join(body)
    getattr(body, "close", lambda: None)()
    return status[0]


def profile(count: int, sort: str = "cumulative") -> int:
    """What the submit path spends its time on (see the module docstring)."""
    import cProfile
    import pstats

    from werkzeug.test import EnvironBuilder

    instance = make_instance(prefix="bench-profile-")
    wave_id = prepare_survey(instance)
    app = create_app_for(instance)
    client = app.test_client()
    path = f"/survey/{wave_id}/all"
    plan = FormPlan(client.get(path).get_data(as_text=True))
    rng = random.Random(1)  # noqa: S311 (answers, not secrets)
    environs = []
    for _ in range(2 * count):
        # each form is another person's answering session
        client.delete_cookie("survey_pass", path=f"/survey/{wave_id}/")
        form = {**hidden_fields(client.get(path).get_data(as_text=True)), **plan.answers(rng)}
        cookie = client.get_cookie("session")
        environs.append(EnvironBuilder(
            path=path, method="POST", data=form, base_url="http://127.0.0.1/",
            headers={"Cookie": f"session={cookie.value}"} if cookie else {},
        ).get_environ())
    started = time.perf_counter()
    statuses = [_call(app, environ) for environ in environs[:count]]
    plain = time.perf_counter() - started
    profiler = cProfile.Profile()
    profiler.enable()
    statuses += [_call(app, environ) for environ in environs[count:]]
    profiler.disable()
    if set(statuses) != {"303 SEE OTHER"}:
        print(f"unexpected answers: {sorted(set(statuses))}")
    print(f"{count} storing POSTs in {plain:.2f} s = {plain / count * 1000:.2f} ms each "
          "(in-process, no profiler)")
    stats = pstats.Stats(profiler)
    stats.sort_stats(sort).print_stats(30)
    print("own time by component under the profiler (ms per storing POST):")
    for component, seconds in sorted(by_component(stats).items(), key=lambda kv: -kv[1]):
        print(f"  {component:34} {seconds / count * 1000:6.2f}")
    app.extensions["db_engine"].dispose()
    instance.remove()
    return 0


COMPONENTS = (
    ("sqlite3 (C: execute, commit)", ("sqlite3.",)),
    ("sqlalchemy", ("/sqlalchemy/",)),
    ("werkzeug", ("/werkzeug/",)),
    ("flask, flask_wtf, babel, jinja", ("/flask/", "/flask_wtf/", "/flask_babel/", "/babel/",
                                        "/jinja2/", "/wtforms/", "/markupsafe/")),
    ("survey package", ("/main/survey/",)),
    ("core package", ("/main/core/",)),
)


def by_component(stats) -> dict[str, float]:
    """Own (not cumulative) time summed per library, from ``pstats`` data."""
    totals: dict[str, float] = {}
    for (filename, _line, function), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        where = f"{filename}:{function}"
        name = next((n for n, marks in COMPONENTS if any(m in where for m in marks)),
                    "python stdlib and the rest")
        totals[name] = totals.get(name, 0.0) + own
    return totals

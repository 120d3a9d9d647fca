"""Report benchmark: do steering reports cost the size of the rollup, not the responses?

Generates 10,000 and 1,000,000 synthetic responses to a 20-question instrument (HME-like
indices, a workload index) in the districts, service areas and staff roles of the seeded
organisation, written through the survey package's bulk statements (``INSERT_RESPONSE``,
``INSERT_ANSWER``, ``add_to_counters``) into a bench database of its own (SQLite, synchronous
off). Each size gets a small previous wave (1,000 responses) so the unit report also
computes change markers and a trend, as on the page. The raw answers are stored for the
large set only (20 million rows), to time a plain SQL GROUP BY over them.

First it times the disclosure patterns of both waves: a closed wave's patterns (one for the
response counts, one per question) are computed once, when its results are first read, and
stored in the database. Then it times, with every in-process cache cleared, the functions the
views call: the overview heatmap (``steering.results.overview.build_overview``) and a unit report
(``steering.results.unit_report.build_unit_report``), prints the ratio of the large to the small
report (target: within 1.5x), peak memory (tracemalloc during the reports, and the process's
max RSS), and how many times faster the report is than the raw GROUP BY.

    .venv/bin/python bench/report.py                 # 10,000 and 1,000,000
    .venv/bin/python bench/report.py --sizes 2000 50000 --keep /tmp/bench-report
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from app import create_app  # noqa: E402
from core.db import Base, get_engine, get_session  # noqa: E402
from core.org.models import District, ServiceArea, StaffRole, by_code, list_active  # noqa: E402
from core.org.seed import seed_organisation  # noqa: E402

QUESTIONS = 20
PREVIOUS_WAVE = 1_000
BATCH = 25_000  # responses per executemany batch
INDICES = ["hme-motivation"] * 3 + ["hme-ledarskap"] * 3 + ["hme-styrning"] * 3 + \
    ["workload"] * 3 + [None] * 8
#: units so small that their cells fall under the minimum in every size
TINY = {("ostermalm", "socialpsykiatri"), ("norrmalm", "socialpsykiatri"),
        ("kungsholmen", "funktionsnedsattning"), ("alvsjo", "vuxna-missbruk")}
RAW_GROUP_BY = text(
    "SELECT r.district_id, r.service_area_id, r.staff_role_id, a.question_id, a.value, "
    "COUNT(*) FROM survey_answer a JOIN survey_response r ON r.id = a.response_id "
    "WHERE r.wave_id = :wave GROUP BY r.district_id, r.service_area_id, r.staff_role_id, "
    "a.question_id, a.value")


def definition() -> dict:
    agree = ["Stämmer mycket dåligt", "Stämmer ganska dåligt", "Varken eller",
             "Stämmer ganska bra", "Stämmer mycket bra"]
    questions = [{"code": f"b{i + 1:02d}", "type": "agreement", "points": 5,
                  "text_sv": f"Påstående {i + 1}.", "text_en": f"Statement {i + 1}.",
                  "labels_sv": agree, "required": True, "index_code": INDICES[i],
                  "reverse_scored": i == 10} for i in range(QUESTIONS)]
    return {"code": "bench", "title_sv": "Bänk", "title_en": "Bench",
            "sections": [{"title_sv": "Del", "title_en": "Part", "questions": questions}]}


def units(db) -> list[tuple[int, int, int, float]]:
    """(district, area, role, weight) of every unit cell; tiny units get weight 0."""
    rng = random.Random(5)
    roles = list_active(db, StaffRole)
    cells = []
    for d in list_active(db, District):
        if d.is_central:
            continue
        for a in list_active(db, ServiceArea):
            size = 0.0 if (d.code, a.code) in TINY else rng.uniform(14, 52)
            for r in roles:
                share = 0.09 if r.code == "chef" else (0.91 if r.code == (
                    "socialsekreterare" if a.code in ("ekonomiskt-bistand", "barn-och-unga",
                                                      "vuxna-missbruk")
                    else "bistandshandlaggare") else 0.0)
                cells.append((d.id, a.id, r.id, size * share))
    return cells


def fill_wave(db, wave_id: int, question_ids: list[int], total: int, raw: bool,
              seed: int) -> None:
    """``total`` responses (plus 3 in each tiny unit) into the counters, and their rows."""
    from survey.services import add_to_counters

    rng = np.random.default_rng(seed)
    ids = random.Random(seed)
    cells = units(db)
    weights = np.array([w for *_, w in cells])
    counts = rng.multinomial(total, weights / weights.sum())
    tiny = {(by_code(db, District, d).id, by_code(db, ServiceArea, a).id) for d, a in TINY}
    worker = {r.code: r.id for r in list_active(db, StaffRole)}["bistandshandlaggare"]
    rollups: Counter = Counter()
    responses: Counter = Counter()
    day = date(2019, 9, 15)
    pending: list = []
    for (d, a, r, _w), n in zip(cells, counts, strict=True):
        n = int(n) + (3 if (d, a) in tiny and r == worker else 0)
        if n == 0:
            continue
        level = rng.normal(0, 0.4)
        answers = np.clip(np.rint(3.6 + 0.8 * (level + rng.normal(0, 1, (n, 1)))
                                  + rng.normal(0, 0.7, (n, QUESTIONS))), 1, 5).astype(int)
        responses[(wave_id, d, a, r, "")] += n
        for q, qid in enumerate(question_ids):
            for value, c in enumerate(np.bincount(answers[:, q], minlength=6)):
                if c:
                    rollups[(wave_id, d, a, r, "", qid, value)] += int(c)
        if raw:
            pending.append((d, a, r, answers))
            if sum(len(p[3]) for p in pending) >= BATCH:
                _write_raw(db, wave_id, question_ids, pending, ids, day)
                pending = []
                db.commit()  # keeps the write-ahead log small
    if raw and pending:
        _write_raw(db, wave_id, question_ids, pending, ids, day)
    add_to_counters(db, rollups, responses)


def _write_raw(db, wave_id, question_ids, pending, ids, day) -> None:
    from survey.services import INSERT_ANSWER, INSERT_RESPONSE

    response_rows, answer_rows = [], []
    for d, a, r, answers in pending:
        for row in answers.tolist():
            rid = f"{ids.getrandbits(128):032x}"
            response_rows.append((rid, wave_id, d, a, r, "", day))
            answer_rows.extend(zip([rid] * QUESTIONS, question_ids, row, strict=True))
    INSERT_RESPONSE.run_many(db, response_rows)
    INSERT_ANSWER.run_many(db, answer_rows)


def build_database(path: Path, size: int, raw: bool):
    """A fresh bench database with a previous wave and the main wave of ``size``."""
    from survey.instruments import create_instrument
    from survey.waves.lifecycle import close_wave, create_wave, open_wave

    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench",
                      "TESTING": True})
    with app.app_context():
        Base.metadata.create_all(get_engine())
        db = get_session()
        for pragma in ("synchronous=OFF", "foreign_keys=OFF", "cache_size=-262144"):
            db.execute(text(f"PRAGMA {pragma}"))
        seed_organisation(db)
        instrument = create_instrument(db, definition())
        db.flush()
        question_ids = [q.id for q in instrument.questions]
        waves = []
        for name, opens, n, with_raw in (("previous", date(2019, 3, 1), PREVIOUS_WAVE, False),
                                         ("main", date(2019, 9, 1), size, raw)):
            wave = create_wave(db, name=f"Bench {name} {size}", instrument=instrument,
                               opens_on=opens, closes_on=opens.replace(day=28),
                               mode="open-link")
            open_wave(db, wave)
            fill_wave(db, wave.id, question_ids, n, with_raw, seed=size + len(waves))
            close_wave(db, wave)
            db.commit()
            waves.append(wave.id)
    return app, waves[-1]


def clear_caches(app) -> None:
    """Empty every in-process cache (the patterns stored in the database stay)."""
    for name in ("steering_results", "steering_patterns", "survey_specs"):
        app.extensions.pop(name, None)


def time_patterns(app) -> float:
    """Seconds to compute and store the disclosure patterns of every wave (what the first
    read of a closed wave's results does, once)."""
    from steering.results.data import load_wave
    from survey.models import Wave

    clear_caches(app)
    with app.test_request_context("/results/"):
        db = get_session()
        start = time.perf_counter()
        for wave in db.query(Wave).order_by(Wave.id):
            load_wave(db, wave)
        return time.perf_counter() - start


def time_reports(app, wave_id: int, repeats: int = 5) -> dict:
    """Median cold timings of the overview and a unit report, and tracemalloc's peak."""
    from steering.results.overview import build_overview
    from steering.results.unit_report import build_unit_report
    from survey.models import Wave

    overview, unit, peak = [], [], 0
    for i in range(repeats):
        clear_caches(app)
        with app.test_request_context("/results/"):
            db = get_session()
            wave = db.get(Wave, wave_id)
            district = by_code(db, District, "farsta")
            visible = {d.id for d in list_active(db, District)}
            if i == 0:
                tracemalloc.start()
            start = time.perf_counter()
            build_overview(db, wave, visible, with_city=True)
            middle = time.perf_counter()
            build_unit_report(db, wave, district)
            end = time.perf_counter()
            if i == 0:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
        overview.append(middle - start)
        unit.append(end - middle)
    return {"overview": statistics.median(overview), "unit": statistics.median(unit),
            "peak": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=(10_000, 1_000_000))
    parser.add_argument("--keep", type=Path, help="folder for the bench databases (kept)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-report-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    for size, raw in ((args.sizes[0], False), (args.sizes[1], True)):
        path = folder / f"report-{size}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        start = time.perf_counter()
        app, wave_id = build_database(path, size, raw)
        generated = time.perf_counter() - start
        patterns = time_patterns(app)
        if not results:
            time_reports(app, wave_id, repeats=1)  # warm-up: imports, fonts, first queries
        results[size] = {"generate": generated, "app": app, "wave": wave_id,
                         **time_reports(app, wave_id)}
        r = results[size]
        print(f"{size:>9,} responses: generated in {generated:6.1f} s; patterns (once per "
              f"wave, stored) {patterns:5.2f} s; overview {r['overview'] * 1000:7.1f} ms, "
              f"unit report {r['unit'] * 1000:7.1f} ms, report peak "
              f"{r['peak'] / 2**20:6.1f} MiB", flush=True)
    small, large = (results[s] for s in args.sizes)
    total_small = small["overview"] + small["unit"]
    total_large = large["overview"] + large["unit"]
    ratio = total_large / total_small
    print(f"ratio ({args.sizes[1]:,} / {args.sizes[0]:,} report): {ratio:.2f} "
          f"(target <= 1.5: {'met' if ratio <= 1.5 else 'NOT met'})")
    with large["app"].app_context():
        db = get_session()
        start = time.perf_counter()
        groups = len(db.execute(RAW_GROUP_BY, {"wave": large["wave"]}).all())
        raw_time = time.perf_counter() - start
    answers = args.sizes[1] * QUESTIONS
    print(f"raw GROUP BY over {answers:,} answers: {raw_time:.2f} s ({groups:,} groups); "
          f"the report (overview + unit) took {total_large:.3f} s: "
          f"{raw_time / total_large:.0f}x faster")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: reports {max(small['peak'], large['peak']) / 2**20:.1f} MiB "
          f"(tracemalloc), process max RSS {maxrss:.0f} MiB (includes generation)")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

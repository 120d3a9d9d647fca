"""The attacker on imported waves: random small files imported through the CLI, every level
read through the API as the central steering group (who reads the most), and for each level
and question the one relation a level has (the whole = its groups, "not stated" included)
solved exactly: a hidden group is bounded by its reason ("fewer than m": 1..m-1, else at
least m), the hidden groups together hold the whole minus the groups shown, and each hidden
group's size is worked out from those bounds. No group under the minimum may be pinned, nor
any of its answer counts to a positive value, nor several hidden groups together hold fewer
than the minimum. Across levels the whole is the same figure wherever it is shown."""

from __future__ import annotations

import csv
import random

from core.auth import accounts as auth
from core.db import get_session

MINIMUM = 5
SEEDS = range(6)


def _import(app, tmp_path, seed: int) -> None:
    rng = random.Random(seed)
    size = rng.randint(12, 45)
    genders = rng.choice([["k"] * 8 + ["m"] * 2 + [""], ["k", "m", "a", ""]])
    ages = ["u", "m", "o"]
    path = tmp_path / f"wave{seed}.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kön", "ålder", "f1", "f2"])
        for _ in range(size):
            writer.writerow([rng.choice(genders), rng.choice(ages),
                             rng.choice(["1", "2", "3", "4", "5", ""]),
                             rng.choice(["4", "5", "5", "", "1"])])
    mapping = tmp_path / f"wave{seed}.toml"
    mapping.write_text(f'''
[wave]
name = "Slump {seed}"
kind = "benchmark"
opens_on = 2012-01-01
closes_on = 2012-01-31
[instrument]
code = "slump{seed}"
title_sv = "Slump"
[answers]
type = "agreement"
points = 5
index_code = "slump"
[[dimension]]
column = "kön"
code = "gender"
values = {{ k = "woman", m = "man", a = "other" }}
[[dimension]]
column = "ålder"
code = "age-band"
name_sv = "Åldersgrupp"
[dimension.values]
u = {{ code = "under-40", name_sv = "Under 40" }}
m = {{ code = "40-54", name_sv = "40–54" }}
o = {{ code = "55-plus", name_sv = "55+" }}
[[question]]
column = "f1"
code = "slump{seed}-f1"
[[question]]
column = "f2"
code = "slump{seed}-f2"
''', encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["survey", "import", str(path), "--mapping",
                                                str(mapping)])
    assert result.exit_code == 0, result.output


def _value(cell):
    return None if isinstance(cell, dict) else cell


def _reason(cell):
    return cell["hidden"] if isinstance(cell, dict) else None


def _ranges(total: int, shown: int, hidden: dict[str, str | None], counts: bool
            ) -> dict[str, tuple]:
    """Exact range of each hidden part of ``total = shown parts + hidden parts``. A group's
    size is 1..m-1 ("fewer than m") or at least m; an answer count of it 0..m-1 or any."""
    rest = total - shown
    if counts:
        bounds = {k: (0, MINIMUM - 1) if r == "below_minimum" else (0, rest)
                  for k, r in hidden.items()}
    else:
        bounds = {k: (1, MINIMUM - 1) if r == "below_minimum" else (MINIMUM, rest)
                  for k, r in hidden.items()}
    found = {}
    for key, (low, high) in bounds.items():
        others_low = sum(b[0] for k, b in bounds.items() if k != key)
        others_high = sum(b[1] for k, b in bounds.items() if k != key)
        found[key] = (max(low, rest - others_high), min(high, rest - others_low))
    return found


def _attack(rows: list[dict], whole: str, size_key: str, truth: dict[str, int],
            where: str) -> list[str]:
    findings = []
    total = _value(next(r for r in rows if r["unit"] == whole)[size_key])
    parts = [r for r in rows if r["unit"] != whole]
    if total is None:
        assert all(_value(r[size_key]) is None for r in parts), where
        return findings
    hidden = {r["unit"]: _reason(r[size_key]) for r in parts if _reason(r[size_key])}
    if not hidden:
        return findings
    shown = sum(_value(r[size_key]) for r in parts if not _reason(r[size_key]))
    rest = total - shown
    counts = size_key == "count"
    if 0 < rest < MINIMUM and not counts:
        findings.append(f"{where}: hidden groups together hold {rest}")
    for unit, (low, high) in _ranges(total, shown, hidden, counts).items():
        if low == high and 0 < truth[unit] < MINIMUM:
            findings.append(f"{where}: {unit} pinned to {low}")
    return findings


def test_no_small_group_of_an_imported_wave_can_be_worked_out(app, tmp_path):
    for seed in SEEDS:
        _import(app, tmp_path, seed)
    with app.app_context():
        db = get_session()
        user = auth.create_user(db, "reader", "correct horse battery", "central", "R", [])
        headers = {"Authorization": f"Bearer {auth.issue_token(db, user, 'attack')}"}
        db.commit()
    client = app.test_client()
    client.set_cookie("lang", "en")
    waves = client.get("/api/v1/imported", headers=headers).get_json()["waves"]
    assert len(waves) == len(SEEDS)
    findings: list[str] = []
    hidden_seen = 0
    for wave in waves:
        wholes = set()
        for level in ("", "gender", "age-band"):
            body = client.get(f"/api/v1/imported/{wave['id']}?by={level}",
                              headers=headers).get_json()
            truth_body = _truth(app, wave["id"], level)
            units = body["tables"]["imported-units"]["rows"]
            whole = _value(units[0]["n"])
            if whole is not None:
                wholes.add(whole)
            hidden_seen += sum(1 for r in units if _reason(r["n"]))
            where = f"{wave['name']} by {level or 'whole'}"
            findings += _attack(units, "All respondents", "n", truth_body["n"], where)
            questions = body["tables"]["imported-questions"]["rows"]
            for code in {r["code"] for r in questions}:
                rows = [r for r in questions if r["code"] == code]
                findings += _attack(rows, "All respondents", "n", truth_body[code],
                                    f"{where}, {code}")
                for value in range(1, 6):
                    counted = [{**r, "count": _count(r, value)} for r in rows]
                    findings += [f for f in _attack(counted, "All respondents", "count",
                                                    truth_body[(code, value)],
                                                    f"{where}, {code}={value}")
                                 if "pinned" in f and not f.endswith(" 0")]
        assert len(wholes) <= 1, (wave["name"], wholes)
    assert hidden_seen, "the random files should hide some groups"
    assert not findings, "\n".join(findings[:20])


def _count(row: dict, value: int):
    n = _value(row["n"])
    share = _value(row.get(f"share_{value}"))
    if n is None or share is None:
        return {"value": None, "hidden": _reason(row["n"]) or "complementary"}
    return round(share * n)


def _truth(app, wave_id: int, level: str) -> dict:
    """The true sizes (people, valid answers per question, answer counts) per group label,
    read from the stored responses."""
    from sqlalchemy import select

    from core.org.models import Dimension
    from survey.models import Answer, Question, Response
    from survey.units import decode_extra

    with app.app_context():
        db = get_session()
        dimension = db.scalar(select(Dimension).where(Dimension.code == level)) if level \
            else None
        names = {v.id: v.name_en for v in dimension.values} if dimension else {}

        def label(extra_key: str) -> str:
            if dimension is None:
                return "All respondents"
            value = decode_extra(extra_key).get(dimension.id)
            return names[value] if value else "Not stated"

        truth: dict = {"n": {}}
        for (extra_key,) in db.execute(select(Response.extra_key)
                                       .where(Response.wave_id == wave_id)):
            for unit in {label(extra_key), "All respondents"}:
                truth["n"][unit] = truth["n"].get(unit, 0) + 1
        stmt = (select(Response.extra_key, Question.code, Answer.value)
                .join(Answer, Answer.response_id == Response.id)
                .join(Question, Question.id == Answer.question_id)
                .where(Response.wave_id == wave_id))
        for extra_key, code, value in db.execute(stmt):
            for unit in {label(extra_key), "All respondents"}:
                for key in (code, (code, value)):
                    truth.setdefault(key, {})
                    truth[key][unit] = truth[key].get(unit, 0) + 1
    for key, by_unit in list(truth.items()):
        truth[key] = _Zero(by_unit)
    for code in [k for k in truth if isinstance(k, str) and k != "n"]:
        for value in range(1, 6):
            truth.setdefault((code, value), _Zero({}))
    return truth


class _Zero(dict):
    def __missing__(self, key):
        return 0

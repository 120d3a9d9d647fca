"""After any sequence of submissions the counters equal a recomputation from the raw rows,
and the report queries return what the submissions imply."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.org.models import Dimension, District, ServiceArea, StaffRole, by_code
from survey import queries
from survey.instruments import create_instrument
from survey.services import FREE_TEXT_COUNTED, submit
from survey.spec import instrument_spec
from survey.units import Unit, encode_extra
from survey.verify import rollup_differences
from survey.waves.lifecycle import create_wave, open_wave
from tests.survey.helpers import DEFINITION

DISTRICTS = ("farsta", "bromma", "skarholmen")
AREAS = ("ekonomiskt-bistand", "aldreomsorg")
ROLES = ("socialsekreterare", "chef")
TENURES = ("lt1", "1-3", "gt5")

ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "agree": st.sampled_from([1, 2, 3, 4, 5, -1]),
        "agree4": st.integers(1, 4),
        "s10": st.sampled_from([*range(11), -1]),
        "num": st.integers(0, 200),
        "choice": st.sampled_from([1, 2, 3]),
        "yn": st.sampled_from([0, 1]),
        "txt": st.text(alphabet="abc åäö", min_size=1, max_size=20).filter(str.strip),
    },
)
SUBMISSION = st.tuples(
    st.sampled_from(DISTRICTS),
    st.sampled_from(AREAS),
    st.one_of(st.none(), st.sampled_from(ROLES)),
    st.one_of(st.none(), st.sampled_from(TENURES)),
    ANSWERS,
)
_names = itertools.count()


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(submissions=st.lists(SUBMISSION, min_size=1, max_size=25))
def test_counters_equal_a_recomputation(app, db, submissions):
    instrument = create_instrument(db, {**DEFINITION, "code": f"prop-{next(_names)}"})
    tenure = by_code(db, Dimension, "tenure")
    wave = create_wave(
        db, name=f"prop-{next(_names)}", instrument=instrument,
        opens_on=date.today() - timedelta(days=1), closes_on=date.today(),
        mode="open-link", dimensions=[tenure],
    )
    open_wave(db, wave)
    spec = instrument_spec(db, wave.instrument_id)
    question = {q.code: q for q in instrument.questions}
    tenure_values = {v.code: v.id for v in tenure.values}
    expected: Counter = Counter()
    cells: Counter = Counter()
    for district, area, role, tenure_code, answers in submissions:
        unit = Unit(
            by_code(db, District, district).id,
            by_code(db, ServiceArea, area).id,
            by_code(db, StaffRole, role).id if role else None,
            encode_extra({tenure.id: tenure_values[tenure_code]}) if tenure_code else "",
        )
        by_id = {question[code].id: value for code, value in answers.items()}
        assert submit(db, wave, spec, unit, by_id) is not None
        cells[unit.district_id] += 1
        for code, value in answers.items():
            counted = FREE_TEXT_COUNTED if code == "txt" else value
            expected[(unit.district_id, question[code].id, counted)] += 1
    db.flush()

    assert rollup_differences(db, wave.id) == []
    got = Counter({
        (row.district_id, row.question_id, row.value): row.count
        for row in queries.rollup_counts(db, wave.id, group_by=("district",))
    })
    assert got == expected
    by_district = queries.response_counts(db, wave.id, group_by=("district",))
    assert {c.district_id: c.count for c in by_district} == dict(cells)
    assert queries.total_responses(db, wave.id) == len(submissions)
    by_tenure = queries.response_counts(db, wave.id, group_by=(), dimension_id=tenure.id)
    assert sum(c.count for c in by_tenure) == len(submissions)
    db.rollback()

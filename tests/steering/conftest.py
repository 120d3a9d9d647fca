"""Fixtures of the steering tests: a small city with two closed waves.

The data is made in an app context of its own that is closed before the test runs: a test
client request inside a still-open app context would share its ``g`` (and the locale that
Flask-Babel caches there) with every other request of the test."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from core.db import get_session
from tests.steering.results.survey_data import BASELINE, FOLLOW_UP, Survey, ids

TEXTS = ["Mer handledning och färre ärenden.", "Bättre introduktion för nya kollegor.",
         "Ring mig på 070-123 45 67 om detta.", "Färre ärenden, mer tid för klienterna."]


@dataclass
class City:
    instrument_id: int
    baseline_id: int
    follow_up_id: int


@pytest.fixture
def city(app: Flask, users) -> City:
    with app.app_context():
        db = get_session()
        city = fill_city(db)
        db.commit()
    return city


def fill_city(db) -> City:
    """Farsta: economic aid 20 + 6 managers, children and youth 15, social psychiatry 3
    (under the minimum). Rinkeby-Kista: 12 and 10. Bromma: 3 answers in all. The follow-up
    wave raises Farsta's economic aid from 3 to 5 on the index questions."""
    survey = Survey(db)
    baseline = survey.wave("Baslinje 2017", *BASELINE)
    follow_up = survey.wave("Uppföljning 2018", *FOLLOW_UP)
    for wave, fa_value in ((baseline, 3), (follow_up, 5)):
        survey.add(wave, ids(db, "farsta", "ekonomiskt-bistand", "socialsekreterare"), 20,
                   q1=fa_value, q2=fa_value, texts=TEXTS * 3)
        survey.add(wave, ids(db, "farsta", "ekonomiskt-bistand", "chef"), 6, q1=4, q2=4)
        survey.add(wave, ids(db, "farsta", "barn-och-unga", "socialsekreterare"), 15, q1=4,
                   q2=3)
        survey.add(wave, ids(db, "farsta", "socialpsykiatri", "bistandshandlaggare"), 3,
                   q1=1, q2=1)
        survey.add(wave, ids(db, "rinkeby-kista", "ekonomiskt-bistand", "socialsekreterare"),
                   12, q1=2, q2=3)
        survey.add(wave, ids(db, "rinkeby-kista", "barn-och-unga", "socialsekreterare"), 10,
                   q1=4, q2=4)
        survey.add(wave, ids(db, "bromma", "aldreomsorg", "bistandshandlaggare"), 3, q1=5, q2=5,
                   texts=["Bromma har det bra."])
        survey.close(wave)
    return City(survey.instrument.id, baseline.id, follow_up.id)

"""The attacker against random cities: everything a central analyst can download about a
closed wave (API, CSV and XLSX exports, unit pages, print report, raw responses CSV) agrees
with the API, and integer programming over all of it pins down no hidden group under the
minimum: not its size, not an answer count, not a unanimous answer. ``ATTACKER_EXAMPLES``
sets how many random cities (10 by default, the same ones every run; with the variable set,
new ones each run)."""

from __future__ import annotations

import itertools
import os

from hypothesis import HealthCheck, given, settings

from tests.anonymity import cities
from tests.anonymity.attacker import Attacker
from tests.anonymity.downloads import check_outputs_agree, collect, grant_city_cells, knowledge

_names = itertools.count()
#: a longer hunt, on new random cities each time: ATTACKER_EXAMPLES=200
HUNT = os.environ.get("ATTACKER_EXAMPLES")
EXAMPLES = int(HUNT or "10")


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not HUNT, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=cities.cities())
def test_everything_a_central_analyst_downloads_gives_no_small_group_away(app, login, plan):
    client = login("central")
    number = next(_names)
    city = cities.build(app, plan, f"Slumpstad {number}", number)
    truth, dims = cities.truth(app, city.wave_id)
    # every unit through the API; the pages and files of one district's units (they are
    # built from the same report: ``check_outputs_agree`` shows that they match the API)
    got = collect(app, client, cities.token(app, "central"), city.wave_id,
                  files_for=lambda unit: unit[0] == city.district_codes[plan["district"]])
    assert got.raw_csv is not None
    check_outputs_agree(got)
    know = knowledge(app, got, dims, 5)
    grant_city_cells(know, truth)
    attacker = Attacker(know, truth)
    findings = attacker.run()
    assert not findings, "\n".join(findings)

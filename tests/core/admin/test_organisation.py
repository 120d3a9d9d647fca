"""Organisation administration pages: list, create, edit, deactivate, uniqueness, import."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from core.org.csv_io import KINDS
from core.org.models import DevelopmentArea, DimensionValue, District, ServiceArea, by_code


@pytest.fixture
def admin(login):
    return login("admin")


def count(app, model) -> int:
    with app.app_context():
        from core.db import get_session

        return get_session().scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_lists_and_offers_a_form(admin, kind):
    page = admin.get(f"/admin/org/{kind}/")
    assert page.status_code == 200
    assert admin.get(f"/admin/org/{kind}/new").status_code == 200
    assert admin.get(f"/admin/org/{kind}/import").status_code == 200
    export = admin.get(f"/admin/org/{kind}/export.csv")
    assert export.status_code == 200
    assert export.headers["Content-Type"] == "text/csv; charset=utf-8"
    # Swedish pages: the semicolons a Swedish spreadsheet splits on
    assert export.get_data(as_text=True).startswith("\ufeffcode;name_sv;name_en;sort_order")


def test_unknown_kind_is_404(admin):
    assert admin.get("/admin/org/planets/").status_code == 404


def test_admin_index_counts(admin):
    page = admin.get("/admin/").get_data(as_text=True)
    assert "Stadsdelsförvaltningar" in page
    assert "16 aktiva av 16" in page


def test_create_district_with_both_names(admin, app, db):
    response = admin.post("/admin/org/districts/new", data={
        "code": "nacka", "name_sv": "Nacka stad", "name_en": "Nacka town", "sort_order": "30",
    })
    assert response.status_code == 302
    district = by_code(db, District, "nacka")
    assert (district.name_sv, district.name_en, district.sort_order) == (
        "Nacka stad", "Nacka town", 30)
    assert district.active and not district.is_central
    listing = admin.get("/admin/org/districts/").get_data(as_text=True)
    assert "Nacka stad" in listing and "Nacka town" in listing


def test_duplicate_code_is_reported_on_the_field(admin, app):
    before = count(app, ServiceArea)
    response = admin.post("/admin/org/service-areas/new", data={
        "code": "aldreomsorg", "name_sv": "Dubblett", "name_en": "Duplicate",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="code-error"' in page
    assert "Det finns redan en post med den här koden." in page
    assert count(app, ServiceArea) == before


def test_invalid_code_and_missing_names_are_field_errors(admin):
    response = admin.post("/admin/org/roles/new", data={"code": "Bad Code!", "name_sv": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for field in ("code", "name_sv", "name_en"):
        assert f'id="{field}-error"' in page


def test_edit_keeps_own_code_and_saves(admin, db):
    farsta = by_code(db, District, "farsta")
    response = admin.post(f"/admin/org/districts/{farsta.id}/edit", data={
        "code": "farsta", "name_sv": "Farsta stadsdel", "name_en": "Farsta district",
        "sort_order": "3", "is_central": "y",
    })
    assert response.status_code == 302
    db.expire_all()
    farsta = by_code(db, District, "farsta")
    assert farsta.name_en == "Farsta district" and farsta.is_central


def test_edit_to_another_items_code_is_refused(admin, db):
    farsta = by_code(db, District, "farsta")
    response = admin.post(f"/admin/org/districts/{farsta.id}/edit", data={
        "code": "bromma", "name_sv": "X", "name_en": "X"})
    assert response.status_code == 200
    assert 'id="code-error"' in response.get_data(as_text=True)


def test_deactivate_asks_first_then_deactivates_and_reactivates(admin, db):
    farsta = by_code(db, District, "farsta")
    url = f"/admin/org/districts/{farsta.id}/deactivate"
    confirm = admin.get(url)
    assert confirm.status_code == 200
    assert "Inaktivera Farsta?" in confirm.get_data(as_text=True)
    db.expire_all()
    assert by_code(db, District, "farsta").active
    assert admin.post(url).status_code == 302
    db.expire_all()
    assert not by_code(db, District, "farsta").active
    assert "Inaktiv" in admin.get("/admin/org/districts/").get_data(as_text=True)
    assert admin.post(f"/admin/org/districts/{farsta.id}/reactivate").status_code == 302
    db.expire_all()
    assert by_code(db, District, "farsta").active


def test_missing_item_is_404(admin):
    assert admin.get("/admin/org/districts/999999/edit").status_code == 404


def test_development_area_number_is_required_and_unique(admin, app):
    before = count(app, DevelopmentArea)
    response = admin.post("/admin/org/development-areas/new", data={
        "code": "ny", "name_sv": "Nytt område", "name_en": "New area", "number": "1"})
    assert response.status_code == 200
    assert 'id="number-error"' in response.get_data(as_text=True)
    response = admin.post("/admin/org/development-areas/new", data={
        "code": "ny", "name_sv": "Nytt område", "name_en": "New area"})
    assert 'id="number-error"' in response.get_data(as_text=True)
    response = admin.post("/admin/org/development-areas/new", data={
        "code": "ny", "name_sv": "Nytt område", "name_en": "New area", "number": "14"})
    assert response.status_code == 302
    assert count(app, DevelopmentArea) == before + 1


def test_dimension_value_codes_are_unique_per_dimension(admin, db):
    gender = db.scalar(select(DimensionValue).where(DimensionValue.code == "woman")).dimension
    tenure = db.scalar(select(DimensionValue).where(DimensionValue.code == "lt1")).dimension
    taken = admin.post("/admin/org/dimension-values/new", data={
        "dimension_id": str(gender.id), "code": "man", "name_sv": "M", "name_en": "M"})
    assert 'id="code-error"' in taken.get_data(as_text=True)
    ok = admin.post("/admin/org/dimension-values/new", data={
        "dimension_id": str(tenure.id), "code": "man", "name_sv": "M", "name_en": "M"})
    assert ok.status_code == 302
    listing = admin.get("/admin/org/dimension-values/?dimension=tenure").get_data(as_text=True)
    assert "Anställningstid" in listing and "Kvinna" not in listing


def test_list_paginates(admin, app):
    page = admin.get("/admin/org/development-areas/").get_data(as_text=True)
    assert "Sida" not in page  # 13 items fit on one page
    app.config["ITEMS_PER_PAGE"] = 5
    first = admin.get("/admin/org/development-areas/").get_data(as_text=True)
    assert "Sida 1 av 3" in first and 'rel="next"' in first
    last = admin.get("/admin/org/development-areas/?page=99").get_data(as_text=True)
    assert "Sida 3 av 3" in last and 'rel="prev"' in last


def test_empty_list_says_so(admin, db):
    for value in db.scalars(select(DimensionValue)):
        db.delete(value)
    db.commit()
    page = admin.get("/admin/org/dimension-values/").get_data(as_text=True)
    assert "Här finns inget ännu" in page


def upload(client, kind: str, text: str):
    data = {"file": (io.BytesIO(text.encode("utf-8")), f"{kind}.csv")}
    return client.post(f"/admin/org/{kind}/import", data=data,
                       content_type="multipart/form-data")


def test_csv_upload_upserts_and_reports_counts(admin, db):
    csv_text = ("code,name_sv,name_en,sort_order,is_central\n"
                "farsta,Farsta SDF,Farsta district office,1,0\n"
                "nacka,Nacka,Nacka,40,0\n"
                "stadsledning,Stadsledningskontoret,City Executive Office,41,1\n")
    response = upload(admin, "districts", csv_text)
    assert response.status_code == 302
    page = admin.get("/admin/org/districts/").get_data(as_text=True)
    assert "Importen är klar: 2 skapade, 1 uppdaterade." in page
    assert by_code(db, District, "farsta").name_sv == "Farsta SDF"
    assert by_code(db, District, "stadsledning").is_central


def test_bad_csv_upload_shows_line_and_column_and_writes_nothing(admin, app, db):
    before = count(app, District)
    csv_text = ("code,name_sv,name_en\n"
                "nacka,Nacka,Nacka\n"
                "farsta,,Farsta\n")
    response = upload(admin, "districts", csv_text)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Inget importerades" in page
    assert '<td class="num">3</td><td>name_sv</td>' in page
    assert count(app, District) == before
    assert by_code(db, District, "nacka") is None


def test_upload_without_file_is_a_field_error(admin):
    response = admin.post("/admin/org/districts/import", data={},
                          content_type="multipart/form-data")
    assert response.status_code == 200
    assert 'id="file-error"' in response.get_data(as_text=True)


def test_other_roles_get_403(login, client):
    login("central")
    assert client.get("/admin/org/districts/").status_code == 403
    assert client.post("/admin/org/districts/new", data={"code": "x"}).status_code == 403


def test_export_defuses_formulas_and_imports_them_back_unchanged(admin, app, db):
    district = by_code(db, District, "farsta")
    district.name_en = "=HYPERLINK(\"http://evil.example\",\"x\")"
    district.name_sv = "Farsta\x0b stadsdel"  # stored before the input policy
    db.commit()
    exported = admin.get("/admin/org/districts/export.csv").get_data(as_text=True)
    line = next(row for row in exported.splitlines() if row.startswith("farsta;"))
    assert "'=HYPERLINK" in line and "\x0b" not in line
    response = admin.post("/admin/org/districts/import", data={
        "file": (io.BytesIO(exported.encode()), "districts.csv")})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    db.expire_all()
    district = by_code(db, District, "farsta")
    assert district.name_en == "=HYPERLINK(\"http://evil.example\",\"x\")"
    assert district.name_sv == "Farsta stadsdel"


def test_import_refuses_control_characters_with_line_and_column(admin, db):
    csv_text = "code,name_sv,name_en\nnacka,Nacka\x00 stad,Nacka\nvaxholm,Vaxholm,Vax\x1bholm\n"
    response = admin.post("/admin/org/districts/import", data={
        "file": (io.BytesIO(csv_text.encode()), "districts.csv")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ('<td class="num">2</td><td>name_sv</td><td>Styrtecken som NUL eller radbrytningar '
            "godtas inte (U+0000).</td>") in page
    assert '<td class="num">3</td><td>name_en</td><td>Styrtecken' in page and "U+001B" in page
    assert by_code(db, District, "nacka") is None

"""User administration pages and the ``flask users`` commands."""

from __future__ import annotations

import re

import pytest

from core.auth import accounts as auth
from core.org.models import District, by_code
from tests.conftest import PASSWORD, sign_in


@pytest.fixture
def admin(login):
    return login("admin")


def shown_password(page: str) -> str:
    match = re.search(r'<code class="secret">([^<]+)</code>', page)
    assert match, page
    return match.group(1)


def test_list_shows_role_and_district_scope(admin):
    page = admin.get("/admin/users/").get_data(as_text=True)
    assert "Ledamot i lokal styrgrupp" in page
    assert "Farsta" in page
    assert "Alla förvaltningar" in page


def test_create_local_user_requires_a_district(admin, app, db):
    response = admin.post("/admin/users/new", data={"username": "lokal2", "role": "local"})
    assert response.status_code == 200
    assert 'id="districts-error"' in response.get_data(as_text=True)
    assert auth.find_user(db, "lokal2") is None


def test_create_user_shows_the_password_once_and_it_works(admin, client, db):
    farsta, bromma = by_code(db, District, "farsta"), by_code(db, District, "bromma")
    response = admin.post("/admin/users/new", data={
        "username": "lokal2", "display_name": "Lena Lokal", "role": "local",
        "districts": [str(farsta.id), str(bromma.id)],
    })
    assert response.status_code == 200
    password = shown_password(response.get_data(as_text=True))
    assert response.headers["Cache-Control"] == "no-store"
    db.expire_all()
    user = auth.find_user(db, "lokal2")
    assert {d.code for d in user.districts} == {"farsta", "bromma"}
    assert password not in admin.get("/admin/users/").get_data(as_text=True)
    client.post("/logout")
    assert sign_in(client, "lokal2", password).status_code == 302


def test_duplicate_user_name_is_a_field_error(admin):
    response = admin.post("/admin/users/new", data={"username": "central", "role": "central"})
    assert response.status_code == 200
    assert "Användarnamnet är upptaget." in response.get_data(as_text=True)


def test_edit_role_and_scope(admin, db, users):
    bromma = by_code(db, District, "bromma")
    response = admin.post(f"/admin/users/{users['central']}/edit", data={
        "display_name": "Nu lokal", "role": "local", "districts": [str(bromma.id)]})
    assert response.status_code == 302
    db.expire_all()
    user = db.get(auth.User, users["central"])
    assert user.role == "local" and [d.code for d in user.districts] == ["bromma"]
    response = admin.post(f"/admin/users/{users['central']}/edit", data={
        "display_name": "Central igen", "role": "central", "districts": [str(bromma.id)]})
    db.expire_all()
    user = db.get(auth.User, users["central"])
    assert user.role == "central" and user.districts == []


def test_admin_cannot_demote_or_deactivate_themselves(admin, db, users):
    response = admin.post(f"/admin/users/{users['admin']}/edit", data={"role": "central"})
    assert response.status_code == 200
    assert 'id="role-error"' in response.get_data(as_text=True)
    assert admin.post(f"/admin/users/{users['admin']}/deactivate").status_code == 302
    db.expire_all()
    admin_user = db.get(auth.User, users["admin"])
    assert admin_user.role == "admin" and admin_user.active


def test_deactivate_confirms_then_blocks_sign_in(admin, app, db, users):
    url = f"/admin/users/{users['moderator']}/deactivate"
    page = admin.get(url).get_data(as_text=True)
    assert "Inaktivera kontot moderator?" in page
    assert admin.post(url).status_code == 302
    other = app.test_client()
    assert sign_in(other, "moderator").status_code == 401
    assert admin.post(f"/admin/users/{users['moderator']}/reactivate").status_code == 302
    assert sign_in(other, "moderator").status_code == 302


def test_deactivation_signs_the_user_out_at_once(admin, app, users):
    other = app.test_client()
    sign_in(other, "central")
    assert other.get("/account/password").status_code == 200
    admin.post(f"/admin/users/{users['central']}/deactivate")
    assert other.get("/account/password").status_code == 302


def test_reset_password_shows_a_new_one_once(admin, app, users):
    url = f"/admin/users/{users['facilitator']}/password"
    assert "Återställa lösenordet för facilitator?" in admin.get(url).get_data(as_text=True)
    password = shown_password(admin.post(url).get_data(as_text=True))
    other = app.test_client()
    assert sign_in(other, "facilitator").status_code == 401
    assert sign_in(other, "facilitator", password).status_code == 302


def test_resetting_ones_own_password_keeps_the_session(admin, users):
    admin.post(f"/admin/users/{users['admin']}/password")
    assert admin.get("/admin/users/").status_code == 200


def test_unknown_user_is_404(admin):
    assert admin.get("/admin/users/999999/edit").status_code == 404


def test_user_admin_is_for_administrators_only(login, client):
    login("local")
    assert client.get("/admin/users/").status_code == 403


# --- flask users create / list / set-role -------------------------------------------------

def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_cli_create_with_generated_password_and_list(app, db):
    result = run(app, "users", "create", "anna", "--role", "local", "--district", "farsta",
                 "--name", "Anna Andersson")
    assert result.exit_code == 0, result.output
    password = result.output.strip().rsplit(" ", 1)[-1]
    user = auth.find_user(db, "anna")
    assert user.check_password(password) and user.display_name == "Anna Andersson"
    listing = run(app, "users", "list")
    assert re.search(r"anna\s+local\s+farsta", listing.output)


def test_cli_create_refuses_duplicates_unknown_districts_and_unscoped_local(app, users):
    assert "exists already" in run(app, "users", "create", "admin", "--role", "admin",
                                   "--password", PASSWORD).output
    result = run(app, "users", "create", "x", "--role", "local", "--district", "atlantis")
    assert result.exit_code != 0 and "atlantis" in result.output
    result = run(app, "users", "create", "y", "--role", "local")
    assert result.exit_code != 0 and "district" in result.output
    result = run(app, "users", "create", "z", "--role", "wizard")
    assert result.exit_code != 0


def test_cli_set_role(app, db, users):
    result = run(app, "users", "set-role", "central", "local", "--district", "bromma")
    assert result.exit_code == 0, result.output
    db.expire_all()
    user = auth.find_user(db, "central")
    assert user.role == "local" and [d.code for d in user.districts] == ["bromma"]
    assert run(app, "users", "set-role", "admin", "local").exit_code != 0  # no district
    assert run(app, "users", "set-role", "nobody", "admin").exit_code != 0
    listing = run(app, "users", "list").output
    assert re.search(r"central\s+local\s+bromma", listing)
    assert run(app, "users", "set-role", "central", "central").exit_code == 0
    db.expire_all()
    assert auth.find_user(db, "central").districts == []  # only local members are scoped


def test_cli_district_only_for_local_members(app, users):
    result = run(app, "users", "create", "c2", "--role", "central", "--district", "farsta")
    assert result.exit_code != 0 and "local steering group members only" in result.output
    result = run(app, "users", "set-role", "moderator", "facilitator", "--district", "farsta")
    assert result.exit_code != 0

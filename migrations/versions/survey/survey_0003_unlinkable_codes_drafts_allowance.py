"""invitation codes in batches, drafts keyed by a keyed hash, per-client allowance

Codes get a batch (which holds the unit they fix); drafts lose their invitation code and are
keyed by HMAC(SECRET_KEY, resume code) in a table without rowid; the per-client allowance of
open links gets its table.

Existing drafts are re-keyed when the secret is at hand (``flask db upgrade``), otherwise
deleted. A draft that held an invitation code spends it now (codes are now spent when the
respondent starts); of several drafts with one code only the latest is kept, so that a code
still gives at most one response.

Revision ID: survey_0003
Revises: survey_0002
Create Date: 2026-11-23 09:00:00.000000
"""
from collections.abc import Sequence
from datetime import date
import hashlib
import hmac

import sqlalchemy as sa
from alembic import op


revision: str = 'survey_0003'
down_revision: str | Sequence[str] | None = 'survey_0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _secret() -> str | None:
    try:
        from flask import current_app

        return current_app.config.get("SECRET_KEY") or None
    except (ImportError, RuntimeError):
        return None


def _draft_columns(key_length: int, with_code: bool) -> list:
    columns = [
        sa.Column('id', sa.String(length=key_length), nullable=False),
        sa.Column('wave_id', sa.Integer(), nullable=False),
        sa.Column('district_id', sa.Integer(), nullable=True),
        sa.Column('service_area_id', sa.Integer(), nullable=True),
        sa.Column('staff_role_id', sa.Integer(), nullable=True),
        sa.Column('extra_key', sa.String(length=200), nullable=False),
    ]
    if with_code:
        columns.append(sa.Column('invitation_code', sa.String(length=16), nullable=True))
    return columns + [
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('submission_token', sa.String(length=64), nullable=False),
        sa.Column('updated_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['wave_id'], ['survey_wave.id'], name=op.f('fk_survey_draft_wave_id_survey_wave'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_draft')),
    ]


DRAFT_FIELDS = ('id', 'wave_id', 'district_id', 'service_area_id', 'staff_role_id',
                'extra_key', 'answers', 'submission_token', 'updated_on')


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table('survey_code_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('service_area_id', sa.Integer(), nullable=True),
    sa.Column('staff_role_id', sa.Integer(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('shown', sa.Boolean(), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_survey_code_batch_size_positive')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_survey_code_batch_district_id_district'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_area_id'], ['service_area.id'], name=op.f('fk_survey_code_batch_service_area_id_service_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_role_id'], ['staff_role.id'], name=op.f('fk_survey_code_batch_staff_role_id_staff_role'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wave_id'], ['survey_wave.id'], name=op.f('fk_survey_code_batch_wave_id_survey_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_code_batch'))
    )
    with op.batch_alter_table('survey_code_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_code_batch_wave_id'), ['wave_id'], unique=False)

    op.create_table('survey_client_allowance',
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('window_start', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['survey_wave.id'], name=op.f('fk_survey_client_allowance_wave_id_survey_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('wave_id', 'client', name=op.f('pk_survey_client_allowance')),
    sqlite_with_rowid=False
    )

    # drafts: read them, spend the codes they hold, and make the table anew
    types = {'answers': sa.JSON(), 'updated_on': sa.Date()}
    old = sa.table('survey_draft', *[sa.column(name, types.get(name))
                                     for name in (*DRAFT_FIELDS, 'invitation_code')])
    drafts = [dict(row._mapping) for row in bind.execute(sa.select(old).order_by(old.c.updated_on.desc()))]
    codes_table = sa.table('survey_invitation_code', sa.column('code'), sa.column('used'),
                           sa.column('wave_id'), sa.column('district_id'),
                           sa.column('service_area_id'), sa.column('staff_role_id'),
                           sa.column('batch_id'))
    secret = _secret()
    kept, seen_codes = [], set()
    for draft in drafts:
        code = draft.pop('invitation_code')
        if code:
            if code in seen_codes:
                continue
            seen_codes.add(code)
            bind.execute(sa.update(codes_table).where(codes_table.c.code == code).values(used=True))
        if secret is not None:
            draft['id'] = hmac.new(secret.encode(), f"survey-resume:{draft['id']}".encode(),
                                   hashlib.sha256).hexdigest()
            kept.append(draft)
    with op.batch_alter_table('survey_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_draft_wave_id'))
    op.drop_table('survey_draft')
    new_drafts = op.create_table('survey_draft', *_draft_columns(64, with_code=False),
                                 sqlite_with_rowid=False)
    with op.batch_alter_table('survey_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_draft_wave_id'), ['wave_id'], unique=False)
    if kept:
        op.bulk_insert(new_drafts, kept)

    # codes: one batch per unit that has codes; the unit moves to the batch
    with op.batch_alter_table('survey_invitation_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
    batches = sa.table('survey_code_batch', sa.column('id'), sa.column('wave_id'),
                       sa.column('district_id'), sa.column('service_area_id'),
                       sa.column('staff_role_id'), sa.column('size'), sa.column('made_on'),
                       sa.column('shown'))
    c = codes_table.c
    units = bind.execute(
        sa.select(c.wave_id, c.district_id, c.service_area_id, c.staff_role_id,
                  sa.func.count())
        .group_by(c.wave_id, c.district_id, c.service_area_id, c.staff_role_id)
    ).all()
    for wave_id, district_id, area_id, role_id, size in units:
        batch_id = bind.execute(
            sa.insert(batches).values(
                wave_id=wave_id, district_id=district_id, service_area_id=area_id,
                staff_role_id=role_id, size=size, made_on=date.today(), shown=True,
            ).returning(batches.c.id)
        ).scalar_one()
        bind.execute(
            sa.update(codes_table)
            .where(c.wave_id == wave_id, c.district_id == district_id,
                   c.service_area_id.is_(None) if area_id is None else c.service_area_id == area_id,
                   c.staff_role_id.is_(None) if role_id is None else c.staff_role_id == role_id)
            .values(batch_id=batch_id)
        )
    with op.batch_alter_table('survey_invitation_code', schema=None) as batch_op:
        batch_op.alter_column('batch_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_survey_invitation_code_batch_id'), ['batch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_survey_invitation_code_batch_id_survey_code_batch'), 'survey_code_batch', ['batch_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint(batch_op.f('fk_survey_invitation_code_district_id_district'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_survey_invitation_code_service_area_id_service_area'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_survey_invitation_code_staff_role_id_staff_role'), type_='foreignkey')
        batch_op.drop_column('district_id')
        batch_op.drop_column('service_area_id')
        batch_op.drop_column('staff_role_id')


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('survey_invitation_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('service_area_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('staff_role_id', sa.Integer(), nullable=True))
    codes = sa.table('survey_invitation_code', sa.column('batch_id'), sa.column('district_id'),
                     sa.column('service_area_id'), sa.column('staff_role_id'))
    batches = sa.table('survey_code_batch', sa.column('id'), sa.column('district_id'),
                       sa.column('service_area_id'), sa.column('staff_role_id'))
    for batch_id, district_id, area_id, role_id in bind.execute(sa.select(batches)).all():
        bind.execute(sa.update(codes).where(codes.c.batch_id == batch_id).values(
            district_id=district_id, service_area_id=area_id, staff_role_id=role_id))
    with op.batch_alter_table('survey_invitation_code', schema=None) as batch_op:
        batch_op.alter_column('district_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_survey_invitation_code_batch_id_survey_code_batch'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_survey_invitation_code_batch_id'))
        batch_op.drop_column('batch_id')
        batch_op.create_foreign_key(batch_op.f('fk_survey_invitation_code_district_id_district'), 'district', ['district_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_survey_invitation_code_service_area_id_service_area'), 'service_area', ['service_area_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_survey_invitation_code_staff_role_id_staff_role'), 'staff_role', ['staff_role_id'], ['id'], ondelete='CASCADE')

    # drafts cannot be keyed by their resume code again: they are deleted
    with op.batch_alter_table('survey_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_draft_wave_id'))
    op.drop_table('survey_draft')
    op.create_table('survey_draft', *_draft_columns(16, with_code=True))
    with op.batch_alter_table('survey_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_draft_wave_id'), ['wave_id'], unique=False)

    op.drop_table('survey_client_allowance')
    with op.batch_alter_table('survey_code_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_code_batch_wave_id'))
    op.drop_table('survey_code_batch')

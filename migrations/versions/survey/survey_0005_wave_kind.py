"""a wave says where its results come from: asked here, or imported as history or benchmark

Revision ID: survey_0005
Revises: survey_0004
Create Date: 2026-12-07 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'survey_0005'
down_revision: str | Sequence[str] | None = 'survey_0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # in place: a batch copy of survey_wave would drop the old table, and with foreign
        # keys on, SQLite deletes the rows that cascade from it (batches, headcounts …)
        op.execute("ALTER TABLE survey_wave ADD COLUMN kind VARCHAR(12) DEFAULT 'own' "
                   "NOT NULL CONSTRAINT ck_survey_wave_kind_known "
                   "CHECK (kind IN ('own', 'history', 'benchmark'))")
        return
    op.add_column('survey_wave', sa.Column('kind', sa.String(length=12), nullable=False,
                                           server_default='own'))
    op.create_check_constraint(op.f('ck_survey_wave_kind_known'), 'survey_wave',
                               "kind IN ('own', 'history', 'benchmark')")


def downgrade() -> None:
    with op.batch_alter_table('survey_wave', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_survey_wave_kind_known'), type_='check')
        batch_op.drop_column('kind')

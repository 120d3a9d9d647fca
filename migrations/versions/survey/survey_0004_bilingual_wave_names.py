"""wave names in Swedish and English

The wave's name becomes its Swedish name (``name_sv``, still unique under its old constraint
name) and an English name (``name_en``) is added, empty for existing waves: English pages
show the Swedish name until an administrator gives one.

Revision ID: survey_0004
Revises: survey_0003
Create Date: 2026-12-07 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'survey_0004'
down_revision: str | Sequence[str] | None = 'survey_0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # renamed in place, not by copying the table: on SQLite a copy drops the old table,
    # and with foreign keys on that deletes every row that refers to a wave
    op.execute('ALTER TABLE survey_wave RENAME COLUMN name TO name_sv')
    op.add_column('survey_wave', sa.Column('name_en', sa.String(length=120), nullable=False,
                                           server_default=''))


def downgrade() -> None:
    op.drop_column('survey_wave', 'name_en')
    op.execute('ALTER TABLE survey_wave RENAME COLUMN name_sv TO name')

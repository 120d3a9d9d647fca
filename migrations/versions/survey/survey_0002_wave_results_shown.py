"""a wave remembers that its results have been shown

Revision ID: survey_0002
Revises: survey_0001
Create Date: 2026-11-30 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'survey_0002'
down_revision: str | Sequence[str] | None = 'survey_0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('survey_wave', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_shown', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # results of waves that have already closed may have been read: they stay closed
    op.execute("UPDATE survey_wave SET results_shown = true "
               "WHERE state = 'closed' OR closes_on < CURRENT_DATE")


def downgrade() -> None:
    with op.batch_alter_table('survey_wave', schema=None) as batch_op:
        batch_op.drop_column('results_shown')

"""the disclosure patterns of a closed wave, stored when its results are first read

Revision ID: steering_0002
Revises: steering_0001
Create Date: 2026-11-30 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'steering_0002'
down_revision: str | Sequence[str] | None = 'steering_0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('steering_wave_pattern',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('minimum', sa.Integer(), nullable=False),
    sa.Column('stamp', sa.String(length=200), nullable=False),
    sa.Column('patterns', sa.Text(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['survey_wave.id'], name=op.f('fk_steering_wave_pattern_wave_id_survey_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_steering_wave_pattern')),
    sa.UniqueConstraint('wave_id', 'minimum', name=op.f('uq_steering_wave_pattern_wave_id'))
    )


def downgrade() -> None:
    op.drop_table('steering_wave_pattern')

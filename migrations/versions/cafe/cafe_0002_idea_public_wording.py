"""idea wording for the public page

Revision ID: cafe_0002
Revises: cafe_0001
Create Date: 2026-12-06 21:40:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'cafe_0002'
down_revision: str | Sequence[str] | None = 'cafe_0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('cafe_idea', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_text', sa.Text(), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('cafe_idea', schema=None) as batch_op:
        batch_op.alter_column('public_text', server_default=None)
    with op.batch_alter_table('cafe_idea_status_change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_text', sa.Text(), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('cafe_idea_status_change', schema=None) as batch_op:
        batch_op.alter_column('public_text', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('cafe_idea_status_change', schema=None) as batch_op:
        batch_op.drop_column('public_text')
    with op.batch_alter_table('cafe_idea', schema=None) as batch_op:
        batch_op.drop_column('public_text')

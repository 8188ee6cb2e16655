"""Staff invitations, ticket assignment, audit viewer indexes.

A staff account can be invited: it has no password until the invitee follows the emailed link,
which is an `enterprise_tokens` row (the one single-use link mechanism) holding `admin_id`
instead of `enterprise_user_id`. Tickets get the staff member assigned to them. The audit log
gets indexes for the staff viewer (newest first; by actor).

Revision ID: b3f8d1a6c5e2
Revises: c4d9e1a7b3f6
Create Date: 2026-12-02 15:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'b3f8d1a6c5e2'
down_revision: Union[str, Sequence[str], None] = 'c4d9e1a7b3f6'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.alter_column('admins', 'password_hash', existing_type=sa.String(length=128), nullable=True)
    op.alter_column('enterprise_tokens', 'enterprise_user_id', existing_type=sa.BigInteger(), nullable=True)
    op.add_column('enterprise_tokens', sa.Column('admin_id', sa.BigInteger(), nullable=True))
    op.create_foreign_key(op.f('fk_enterprise_tokens_admin_id_admins'), 'enterprise_tokens', 'admins',
                          ['admin_id'], ['id'], ondelete='CASCADE')
    op.create_index(op.f('ix_enterprise_tokens_admin_id'), 'enterprise_tokens', ['admin_id'])
    op.create_check_constraint(op.f('ck_enterprise_tokens_one_holder'), 'enterprise_tokens',
                               "(enterprise_user_id IS NOT NULL)::int + (admin_id IS NOT NULL)::int = 1")
    op.add_column('support_tickets', sa.Column('assigned_admin_id', sa.BigInteger(), nullable=True))
    op.create_foreign_key(op.f('fk_support_tickets_assigned_admin_id_admins'), 'support_tickets', 'admins',
                          ['assigned_admin_id'], ['id'], ondelete='SET NULL')
    op.create_index(op.f('ix_support_tickets_assigned_admin_id'), 'support_tickets', ['assigned_admin_id'])
    op.create_index('ix_audit_log_created_at', 'audit_log', ['created_at'])
    op.create_index('ix_audit_log_actor', 'audit_log', ['actor_type', 'actor_id', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_audit_log_actor', table_name='audit_log')
    op.drop_index('ix_audit_log_created_at', table_name='audit_log')
    op.drop_index(op.f('ix_support_tickets_assigned_admin_id'), table_name='support_tickets')
    op.drop_constraint(op.f('fk_support_tickets_assigned_admin_id_admins'), 'support_tickets', type_='foreignkey')
    op.drop_column('support_tickets', 'assigned_admin_id')
    op.execute("DELETE FROM enterprise_tokens WHERE admin_id IS NOT NULL")
    op.drop_constraint(op.f('ck_enterprise_tokens_one_holder'), 'enterprise_tokens', type_='check')
    op.drop_index(op.f('ix_enterprise_tokens_admin_id'), table_name='enterprise_tokens')
    op.drop_constraint(op.f('fk_enterprise_tokens_admin_id_admins'), 'enterprise_tokens', type_='foreignkey')
    op.drop_column('enterprise_tokens', 'admin_id')
    op.alter_column('enterprise_tokens', 'enterprise_user_id', existing_type=sa.BigInteger(), nullable=False)
    op.execute("UPDATE admins SET password_hash = '!' WHERE password_hash IS NULL")  # invitations never accepted
    op.alter_column('admins', 'password_hash', existing_type=sa.String(length=128), nullable=False)

"""The staff dashboard's services: tickets (queue, assignment, replies the customer sees, close/reopen),
jobs (pause honoured by the scheduler, run now), settings (owners save, validated, audited) and the
audit log viewer (owners and finance; filters and pages). Each refuses the roles it is not for."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest

from services.accounts import codes
from services.admin import audit, errors, jobs, settings, support
from services.admin.access import NotPermitted
from services.core import db
from services.core.models import EmailOutbox
from services.jobs import control
from services.jobs.runs import JobResult
from services.jobs.scheduler import JobScheduler, JobSpec
from services.store import display
from services.store import settings as store
from services.support import tickets
from tests.integration.admin.conftest import audit_rows, new_staff
from tests.integration.auth.conftest import latest_code


def _customer_ticket(subject: str = "Where is my eSIM?") -> tuple[int, str, str]:
    email = f"cust-{uuid.uuid4().hex[:10]}@example.com"
    codes.request_login_code(email, ip="10.30.0.1")
    user_id = codes.verify_login_code(email, latest_code(email), ip="10.30.0.1", user_agent=None).identity.principal_id
    ref = tickets.open_ticket(user_id, subject=subject, body="It did not arrive.").summary.ref
    return user_id, email, ref


def test_support_replies_and_the_customer_sees_the_reply_and_gets_an_email(database_url: str) -> None:
    agent = new_staff("support")
    user_id, email, ref = _customer_ticket()
    view = support.reply(agent.identity, ref, "We have re-sent it.")
    assert view.detail.summary.status == "awaiting_customer"
    assert [m.body for m in tickets.get_ticket(user_id, ticket_ref=ref).messages][-1] == "We have re-sent it."
    with db.session() as s:
        assert s.query(EmailOutbox).filter_by(to_address=email, template="ticket_reply").count() == 1


def test_the_queue_filters_by_status_and_assignee_and_assignment_is_audited(database_url: str) -> None:
    agent, owner = new_staff("support"), new_staff("owner")
    _, _, ref = _customer_ticket()
    support.assign(owner.identity, ref, agent.identity.principal_id, ip="10.30.1.1")
    [row] = audit_rows("ticket.assigned", ref)
    assert (row.details["before"], row.details["after"]) == ({"assignee_id": None},
                                                              {"assignee_id": agent.identity.principal_id})
    mine = support.list_tickets(agent.identity, support.TicketFilter(assignee="me", page_size=100))
    assert [r.ref for r in mine.rows] == [ref] and mine.rows[0].assignee == agent.identity.email
    unassigned = support.list_tickets(agent.identity, support.TicketFilter(assignee="unassigned", page_size=100))
    assert ref not in [r.ref for r in unassigned.rows]
    support.set_closed(agent.identity, ref, True, ip=None)
    agent_id = str(agent.identity.principal_id)
    closed = support.list_tickets(agent.identity, support.TicketFilter(status="closed", assignee=agent_id))
    assert [r.ref for r in closed.rows] == [ref]
    assert support.list_tickets(agent.identity, support.TicketFilter(status="open", assignee=agent_id)).total == 0
    support.set_closed(agent.identity, ref, False, ip=None)
    assert [a.details["after"]["status"] for a in audit_rows("ticket.closed", ref) + audit_rows("ticket.reopened", ref)
            ] == ["closed", "open"]
    with pytest.raises(errors.InvalidAssignee):
        support.assign(owner.identity, ref, new_staff("finance").identity.principal_id, ip=None)


def test_tickets_refuse_operations_and_finance(database_url: str) -> None:
    _, _, ref = _customer_ticket()
    for role in ("operations", "finance"):
        caller = new_staff(role)
        with pytest.raises(NotPermitted):
            support.list_tickets(caller.identity)
        with pytest.raises(NotPermitted):
            support.reply(caller.identity, ref, "hello")
        with pytest.raises(NotPermitted):
            support.set_closed(caller.identity, ref, True, ip=None)


async def test_a_paused_job_is_skipped_by_the_scheduler_until_resumed(database_url: str) -> None:
    ops, ran = new_staff("operations"), []

    async def fake(registry) -> JobResult:
        ran.append(1)
        return JobResult(1)

    spec = JobSpec("cleanup", dt.timedelta(hours=1), fake, run_at_start=False)
    scheduler = JobScheduler([spec], registry=lambda: None, misfire_grace_seconds=60)  # type: ignore[arg-type, return-value]
    jobs.set_paused(ops.identity, "cleanup", True, ip="10.30.2.2")
    try:
        assert control.is_paused("cleanup")
        await scheduler._run(spec)  # the scheduler's turn for the job
        assert ran == []
        [row] = audit_rows("job.paused", "cleanup")[-1:]
        assert "cleanup" not in row.details["before"]["paused"] and "cleanup" in row.details["after"]["paused"]
        view = {j.health.job: j for j in jobs.list_jobs(ops.identity)}["cleanup"]
        assert view.paused
    finally:
        jobs.set_paused(ops.identity, "cleanup", False, ip=None)
    await scheduler._run(spec)
    assert ran == [1]


async def test_run_now_records_a_run_and_other_roles_are_refused(database_url: str) -> None:
    owner = new_staff("owner")
    spec = jobs.authorise_run_now(owner.identity, "cleanup", ip=None)
    jobs.start_run(spec)
    await asyncio.gather(*jobs._started)
    view = {j.health.job: j for j in jobs.list_jobs(owner.identity)}["cleanup"]
    assert view.history and view.history[0].duration_seconds is not None and view.last_processed >= 0
    with pytest.raises(errors.UnknownJob):
        jobs.authorise_run_now(owner.identity, "mine_bitcoin", ip=None)
    for role in ("support", "finance"):
        caller = new_staff(role)
        with pytest.raises(NotPermitted):
            jobs.list_jobs(caller.identity)
        with pytest.raises(NotPermitted):
            jobs.set_paused(caller.identity, "cleanup", True, ip=None)
        with pytest.raises(NotPermitted):
            jobs.authorise_run_now(caller.identity, "cleanup", ip=None)
    assert not control.is_paused("cleanup")


def test_owners_save_settings_validated_and_audited_others_only_read(database_url: str) -> None:
    owner = new_staff("owner")
    try:
        view = settings.save_settings(owner.identity, {"refund_window_days": "14", "support_refund_limit_cents": "2500",
                                                       "brand_name": "Roamly", "support_email": "Help@Roamly.test",
                                                       "storefront_notice": "  Planned  maintenance tonight "},
                                      ip="10.30.3.3")
        assert view.values["refund_window_days"] == "14" and view.values["support_email"] == "help@roamly.test"
        assert store.get_store_settings().support_refund_limit_cents == 2500
        row = audit_rows("settings.updated", "store")[-1]  # only what changed
        assert row.details["after"]["refund_window_days"] == "14"
        assert display.display_settings().notice == "Planned maintenance tonight"  # every storefront page shows it
        settings.save_settings(owner.identity, {"refund_window_days": "14", "storefront_notice": ""}, ip=None)
        assert list(audit_rows("settings.updated", "store")[-1].details["after"]) == ["storefront_notice"]
        assert row.details["before"]["brand_name"] != "Roamly"
        with pytest.raises(errors.SettingRejected) as refused:
            settings.save_settings(owner.identity, {"refund_window_days": "400", "brand_name": "Changed"}, ip=None)
        assert refused.value.params["field"] == "Refund window (days)"
        assert "between 0 and 365" in str(refused.value.params["problem"])
        assert store.get_store_settings().brand_name == "Roamly"  # nothing of the refused form was saved
        for role in ("operations", "support", "finance"):
            caller = new_staff(role)
            assert settings.get_settings_view(caller.identity).editable is False
            with pytest.raises(NotPermitted):
                settings.save_settings(caller.identity, {"refund_window_days": "1"}, ip=None)
    finally:
        with db.get_engine().begin() as conn:
            conn.exec_driver_sql("DELETE FROM settings WHERE key LIKE 'store.%%' OR key LIKE 'refunds.%%'")


def test_owners_set_the_sellers_legal_details_for_receipts_validated_and_audited(database_url: str) -> None:
    owner = new_staff("owner")
    try:
        form = {"legal_name": "  Wayfarer   Travel Ltd ", "legal_address": "1 Main Street\r\n\r\n  London  EC1A 1AA \n",
                "tax_id": "GB 123 456 789"}
        view = settings.save_settings(owner.identity, form, ip="10.30.3.4")
        assert (view.values["legal_name"], view.values["legal_address"], view.values["tax_id"]) == (
            "Wayfarer Travel Ltd", "1 Main Street\nLondon EC1A 1AA", "GB 123 456 789")
        current = store.get_store_settings()
        assert (current.legal_name, current.legal_address, current.tax_id) == (
            "Wayfarer Travel Ltd", "1 Main Street\nLondon EC1A 1AA", "GB 123 456 789")
        row = audit_rows("settings.updated", "store")[-1]
        assert row.details["after"] == {"legal_name": "Wayfarer Travel Ltd", "legal_address": "1 Main Street\nLondon EC1A 1AA",
                                        "tax_id": "GB 123 456 789"}
        assert row.details["before"] == {"legal_name": "", "legal_address": "", "tax_id": ""}
        for bad, field in (({"tax_id": "<script>"}, "VAT or registration number"),
                           ({"legal_address": "\n".join("line" for _ in range(7))}, "Company address"),
                           ({"legal_name": "x" * 121}, "Company name on receipts")):
            with pytest.raises(errors.SettingRejected) as refused:
                settings.save_settings(owner.identity, bad, ip=None)
            assert refused.value.params["field"] == field
        assert store.get_store_settings().tax_id == "GB 123 456 789"  # nothing refused was saved
        with pytest.raises(NotPermitted):
            settings.save_settings(new_staff("finance").identity, {"tax_id": "FR0000"}, ip=None)
    finally:
        with db.get_engine().begin() as conn:
            conn.exec_driver_sql("DELETE FROM settings WHERE key LIKE 'store.%%'")


def test_the_audit_log_filters_and_pages_for_owners_and_finance(database_url: str) -> None:
    owner, finance = new_staff("owner"), new_staff("finance")
    _, _, ref = _customer_ticket()
    support.set_closed(owner.identity, ref, True, ip=None)
    support.set_closed(owner.identity, ref, False, ip=None)
    page = audit.list_audit(finance.identity, audit.AuditQuery(who=owner.identity.email, entity_type="ticket",
                                                               entity_id=ref, page_size=1))
    assert page.total == 2 and [r.action for r in page.rows] == ["ticket.reopened"]  # newest first
    assert page.rows[0].actor == f"admin {owner.identity.email}"
    assert '"status": "closed"' in page.rows[0].before and '"status": "open"' in page.rows[0].after
    second = audit.list_audit(owner.identity, audit.AuditQuery(who=owner.identity.email, entity_id=ref, page=1,
                                                               page_size=1))
    assert [r.action for r in second.rows] == ["ticket.closed"]
    today = dt.datetime.now(dt.UTC).date()
    assert audit.list_audit(owner.identity, audit.AuditQuery(action="ticket.", entity_id=ref, date_from=today,
                                                             date_to=today)).total == 2
    assert audit.list_audit(owner.identity, audit.AuditQuery(entity_id=ref, date_to=today - dt.timedelta(days=1))
                            ).total == 0
    with pytest.raises(errors.InvalidFilter):
        audit.list_audit(owner.identity, audit.AuditQuery(date_from=today, date_to=today - dt.timedelta(days=1)))
    for role in ("operations", "support"):
        with pytest.raises(NotPermitted):
            audit.list_audit(new_staff(role).identity)

"""`/admin/jobs` (owners, operations): each background job's last and next run, duration,
processed/failed, last error and 24-hour history; run now; pause and resume (every scheduler honours it)."""

from __future__ import annotations

import reflex as rx

from esim_app.components.forms import error_callout, notice_callout
from esim_app.components.ui import button, card
from esim_app.pages.templates import admin_page
from esim_app.state.admin_ops import JOB_ROLES, JobRow, JobsState, RunRow

STATE_COLORS = {"ok": "green", "failing": "red", "running": "blue", "paused": "amber", "never run": "gray"}


def _figure(label: str, value) -> rx.Component:
    return rx.vstack(rx.el.span(label, class_name="t-secondary", font_size="0.8rem"), rx.el.span(value, font_weight="600"),
                     spacing="0", min_width="7rem")


def _run(r: RunRow) -> rx.Component:
    return rx.table.row(rx.table.cell(r.started), rx.table.cell(r.duration), rx.table.cell(r.processed),
                        rx.table.cell(r.failed), rx.table.cell(r.error, class_name="t-secondary"),
                        custom_attrs={"data-testid": "job-run"})


def _history(j: JobRow) -> rx.Component:
    return rx.cond(
        JobsState.open_job == j.name,
        rx.cond(
            j.history.length() > 0,
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                               ("Started", "Duration", "Processed", "Failed", "Error")])),
                rx.table.body(rx.foreach(j.history, _run)), size="1", width="100%"), overflow_x="auto", width="100%"),
            rx.el.p("No runs in the last 24 hours.", class_name="t-muted"),
        ),
    )


def _job(j: JobRow) -> rx.Component:
    return card(
        rx.vstack(
            rx.hstack(
                rx.el.h2(j.name, class_name="t-card"),
                rx.badge(j.state, color_scheme=rx.match(j.state, *STATE_COLORS.items(), "gray"),
                         custom_attrs={"data-testid": "job-state"}),
                rx.el.span("every ", j.every, class_name="t-secondary"),
                rx.spacer(),
                button("Run now", size="sm", type="button", on_click=JobsState.run_now(j.name),
                       custom_attrs={"data-testid": "run-now"}),
                rx.cond(j.paused,
                        button("Resume", size="sm", variant="secondary", type="button",
                               on_click=JobsState.set_paused(j.name, False), custom_attrs={"data-testid": "resume-job"}),
                        button("Pause", size="sm", variant="ghost", type="button",
                               on_click=JobsState.set_paused(j.name, True), custom_attrs={"data-testid": "pause-job"})),
                spacing="3", align="center", wrap="wrap", width="100%",
            ),
            rx.hstack(
                _figure("Last run", j.last_run), _figure("Next run", j.next_run), _figure("Duration", j.duration),
                _figure("Processed / failed", rx.fragment(j.processed, " / ", j.failed)),
                _figure("24 h: runs", j.runs_24h), _figure("24 h: processed / failed",
                                                          rx.fragment(j.processed_24h, " / ", j.failed_24h)),
                spacing="4", wrap="wrap",
            ),
            rx.cond(j.last_error != "", rx.el.p("Last error: ", j.last_error, class_name="t-secondary",
                                                color="var(--red-11)", word_break="break-word")),
            rx.el.button(rx.cond(JobsState.open_job == j.name, "Hide 24 h history", "Show 24 h history"),
                         type="button", class_name="btn btn-ghost btn-sm", on_click=JobsState.toggle_history(j.name),
                         custom_attrs={"data-testid": "job-history"}),
            _history(j),
            spacing="3", align="stretch",
        ),
        custom_attrs={"data-testid": "job-row"},
    )


@admin_page("/admin/jobs", "Jobs", JobsState.load, roles=JOB_ROLES)
def admin_jobs_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Background jobs", class_name="t-section"),
        rx.el.p("Times are UTC. A paused job is skipped by every scheduler until resumed; Run now starts one run at "
                "once, paused or not.", class_name="t-secondary"),
        error_callout(JobsState.error, testid="jobs-error"),
        notice_callout(JobsState.notice),
        rx.foreach(JobsState.jobs, _job),
        spacing="4", align="stretch", width="100%",
    )

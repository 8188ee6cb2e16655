"""`/admin/staff` (owners): the staff list with role, status and two-factor, invitations, and the
invitee's `/admin/invite/[link_token]` page (set a password; TOTP is enrolled at the first sign-in)."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import SELECT_STYLE, error_callout, field, native_select, notice_callout
from esim_app.components.ui import button, card
from esim_app.pages.login import _panel
from esim_app.pages.templates import admin_page, storefront_page
from esim_app.state.admin_staff import ROLES, StaffInviteState, StaffRow, StaffState

STATUS_COLORS = {"active": "green", "invited": "blue", "disabled": "gray"}


def _role_option(role: rx.Var[str]) -> rx.Component:
    return rx.el.option(role, value=role)


def _staff_row(m: StaffRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.el.span(m.email, font_weight="600"), rx.el.span(m.name, class_name="t-secondary"),
                                spacing="0")),
        rx.table.cell(rx.el.select(rx.foreach(StaffState.roles, _role_option), value=m.role, style=SELECT_STYLE,
                                   on_change=lambda value: StaffState.change_role(m.id, value),
                                   aria_label="Role of " + m.email, custom_attrs={"data-testid": "staff-role"})),
        rx.table.cell(rx.badge(m.status, color_scheme=rx.match(m.status, *STATUS_COLORS.items(), "gray"))),
        rx.table.cell(m.totp),
        rx.table.cell(m.last_login),
        rx.table.cell(rx.hstack(
            rx.cond(m.status == "disabled",
                    button("Enable", size="sm", variant="secondary", type="button", on_click=StaffState.ask(m.id, "enable"),
                           custom_attrs={"data-testid": "enable-staff"}),
                    button("Disable", size="sm", variant="ghost", type="button", on_click=StaffState.ask(m.id, "disable"),
                           custom_attrs={"data-testid": "disable-staff"})),
            button("Reset 2FA", size="sm", variant="ghost", type="button", on_click=StaffState.ask(m.id, "reset_totp"),
                   custom_attrs={"data-testid": "reset-totp"}),
            spacing="2", wrap="wrap",
        )),
        custom_attrs={"data-testid": "staff-row"},
    )


def _staff_table() -> rx.Component:
    headers = ("Staff member", "Role", "Status", "Two-factor", "Last sign-in")
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers],
                                         rx.table.column_header_cell(rx.el.span("Actions", class_name="sr-only")))),
            rx.table.body(rx.foreach(StaffState.members, _staff_row)),
            width="100%", variant="surface",
        ),
        overflow_x="auto", width="100%",
    )


def _confirm() -> rx.Component:
    return rx.cond(
        StaffState.pending_action != "",
        card(
            rx.vstack(
                rx.el.h2(StaffState.pending_label, class_name="t-card"),
                rx.el.p("Their sessions end at once.", class_name="t-secondary"),
                rx.hstack(
                    button("Confirm", size="sm", type="button", on_click=StaffState.confirm,
                           custom_attrs={"data-testid": "confirm-action"}),
                    button("Cancel", size="sm", variant="ghost", type="button", on_click=StaffState.cancel,
                           custom_attrs={"data-testid": "cancel-action"}),
                    spacing="2",
                ),
                spacing="3", align="stretch",
            ),
            max_width="36rem",
        ),
    )


def _invite_form() -> rx.Component:
    return card(
        rx.form(
            rx.vstack(
                rx.el.h2("Invite a staff member", class_name="t-card"),
                rx.el.p("They get an email with a link (one use, 72 hours) to choose a password, then set up "
                        "two-factor sign-in the first time they sign in.", class_name="t-secondary"),
                field("Email address", "email", type_="email", testid="invite-email",
                      required=True, max_length=254),
                field("Name (optional)", "name", testid="invite-name", max_length=100),
                rx.vstack(
                    rx.el.label("Role", html_for="role", class_name="t-secondary"),
                    native_select("role", rx.foreach(StaffState.roles, _role_option),
                                  default_value="support", custom_attrs={"data-testid": "invite-role"}),
                    rx.el.p("Owner: everything, manages staff. Operations: orders, providers, catalogue, jobs. "
                            "Support: customers, tickets, refunds up to the limit. Finance: analytics, billing, "
                            "exports, audit log.", class_name="t-secondary", font_size="0.875rem"),
                    spacing="1", width="100%", align="stretch",
                ),
                button("Send invitation", type="submit", size="sm", custom_attrs={"data-testid": "invite-staff"}),
                spacing="3", align="stretch",
            ),
            on_submit=StaffState.invite,
        ),
        max_width="40rem",
    )


@admin_page("/admin/staff", "Staff", StaffState.load, roles=ROLES)
def admin_staff_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Staff", class_name="t-section"),
        error_callout(StaffState.error, testid="staff-error"),
        notice_callout(StaffState.notice),
        _confirm(),
        _staff_table(),
        _invite_form(),
        spacing="4", align="stretch", width="100%",
    )


def _set_password_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.p("Staff account: ", rx.el.strong(StaffInviteState.email), class_name="t-secondary"),
            field("New password (at least 12 characters)", "password", type_="password", testid="password-input",
                  auto_complete="new-password", required=True),
            field("Type it again", "confirm", type_="password", testid="password-confirm",
                  auto_complete="new-password", required=True),
            button("Set password", type="submit", size="md", width="100%",
                   custom_attrs={"data-testid": "set-password"}),
            spacing="4", width="100%",
        ),
        on_submit=StaffInviteState.set_password,
        reset_on_submit=False,
    )


@storefront_page("/admin/invite/[link_token]", "Set your staff password", StaffInviteState.load, indexed=False)
def admin_invite_page() -> rx.Component:
    return _panel(
        "Choose your password", "For the admin dashboard.",
        error_callout(StaffInviteState.error, testid="form-error"),
        rx.cond(
            StaffInviteState.done,
            rx.vstack(
                rx.callout("Your password is set. Sign in now; you will set up two-factor sign-in first.",
                           icon="circle-check", color_scheme="green", width="100%",
                           custom_attrs={"data-testid": "password-set"}),
                rx.link("Go to staff sign-in", href=routes.ADMIN_LOGIN, custom_attrs={"data-testid": "to-login"}),
                width="100%",
            ),
            rx.cond(StaffInviteState.link_ok, _set_password_form(),
                    rx.cond(StaffInviteState.checked, rx.fragment(), rx.spinner())),
        ),
    )

"""`/devices`: does my phone support eSIM? The *#06# check first, then the list by maker, searchable."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import take_up_early_text
from esim_app.components.ui import button_link, card, section
from esim_app.i18n import t
from esim_app.pages.templates import storefront_page
from esim_app.state.devices import DeviceRow, DevicesState, MakerGroup

DESCRIPTION = t("Check whether your phone supports eSIM: dial *#06# to see its EID, or find it in our list of "
                "eSIM-capable iPhone, Samsung Galaxy, Google Pixel and other models.")


def _tid(name: str) -> dict[str, str]:
    return {"data-testid": name}


def _eid_tip() -> rx.Component:
    return card(
        rx.hstack(
            rx.icon("smartphone", size=28, class_name="t-muted", flex_shrink="0"),
            rx.vstack(
                rx.el.h2(t("The quickest check: dial *#06#"), class_name="t-card"),
                rx.el.p(t("Open your phone's dialler and type *#06#. If the screen shows an EID (a 32-digit number) "
                          "beside the IMEI, your phone supports eSIM."), class_name="t-body"),
                rx.el.p(t("It must also be carrier-unlocked: a phone bought from a mobile operator may only accept "
                          "that operator's eSIMs. Ask them, or try another operator's SIM."), class_name="t-secondary"),
                spacing="2",
                align="start",
            ),
            spacing="4",
            align="start",
        ),
        custom_attrs=_tid("eid-tip"),
    )


def _search() -> rx.Component:
    return rx.vstack(
        rx.el.label(t("Find your phone"), html_for="device-search", class_name="t-caption"),
        rx.box(
            rx.icon("search", size=20, position="absolute", left="1rem", top="50%", transform="translateY(-50%)",
                    class_name="t-muted"),
            rx.el.input(  # uncontrolled, like the landing page's search: the browser owns the text
                id="device-search",
                default_value=DevicesState.query,  # the tab's query when the box mounts again on a return visit
                on_change=DevicesState.set_query.debounce(200),
                on_mount=take_up_early_text("device-search"),
                placeholder=t("e.g. iPhone 13, Galaxy S23, Pixel 8"),
                auto_complete="off",
                type="search",
                class_name="search-input",
                custom_attrs=_tid("device-search"),
            ),
            position="relative",
        ),
        rx.el.p(t("{matched} of {total} models shown", matched=DevicesState.matched, total=DevicesState.total),
                class_name="t-secondary", aria_live="polite", custom_attrs=_tid("device-count")),
        spacing="2",
        align="stretch",
        width="100%",
        role="search",
    )


def _model(device: DeviceRow) -> rx.Component:
    return rx.el.li(
        rx.el.span(device.name, font_weight="600"),
        rx.cond(device.note != "", rx.el.span(" · " + device.note, class_name="t-secondary")),
        custom_attrs=_tid("device-model"),
    )


def _maker(group: MakerGroup) -> rx.Component:
    return card(
        rx.vstack(
            rx.el.h2(group.maker, class_name="t-card", custom_attrs=_tid("device-maker")),
            rx.cond(group.note != "", rx.el.p(group.note, class_name="t-secondary")),
            rx.el.ul(rx.foreach(group.models, _model), class_name="device-list"),
            spacing="2",
            align="start",
        ),
    )


@storefront_page(routes.DEVICES, t("Does my phone support eSIM?"), DevicesState.load, description=DESCRIPTION)
def devices_page() -> rx.Component:
    return section(
        rx.vstack(
            rx.el.h1(t("Does my phone support eSIM?"), class_name="t-section"),
            rx.el.p(t("Most phones made since 2019 do. Check yours before you buy: an eSIM cannot be moved to "
                      "another phone once installed."), class_name="t-body t-muted"),
            _eid_tip(),
            _search(),
            rx.cond(
                DevicesState.matched > 0,
                rx.grid(rx.foreach(DevicesState.makers, _maker), columns=rx.breakpoints(initial="1", md="2"),
                        spacing="4", width="100%"),
                rx.el.p(t("No model in our list matches that. Not listed? Dial *#06#: if you see an EID, your "
                          "phone supports eSIM."), class_name="t-body", custom_attrs=_tid("device-none")),
            ),
            rx.box(button_link(t("Find a plan for your trip"), routes.HOME, size="sm")),
            spacing="5",
            align="stretch",
            max_width="56rem",
        ),
    )

"""Form pieces with labels, hooks and inline errors."""

from __future__ import annotations

import json

import reflex as rx

# React records a box's value at hydration and calls `on_change` only for an `input` event that differs
# from it: the record is set to "" through the element, the text is put back past it with the DOM's own
# setter, and the event then reads as the visitor's typing (debounced like any keystroke).
_TAKE_UP = """(() => {{ const box = document.getElementById({box});
  const text = box && box.value;
  if (!text) return;
  box.value = "";
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(box, text);
  box.dispatchEvent(new Event("input", {{bubbles: true}})); }})()"""


def take_up_early_text(box_id: str) -> rx.event.EventSpec:
    """The `on_mount` of an uncontrolled text box on a prerendered page, which can be typed in before the
    app starts (`esim_app.plugins.PaintFirst`) while no handler listens: hands the text typed then to
    its `on_change`."""
    return rx.call_script(_TAKE_UP.format(box=json.dumps(box_id)))


def field(label: str | rx.Var[str], name: str, *, type_: str = "text", testid: str = "", **props) -> rx.Component:
    attrs = {"data-testid": testid} if testid else {}
    return rx.vstack(
        rx.el.label(label, html_for=name, class_name="t-secondary"),
        rx.input(name=name, id=name, type=type_, size="3", width="100%", custom_attrs=attrs, **props),
        spacing="1",
        width="100%",
        align="stretch",
    )


def error_callout(message: rx.Var[str], *, testid: str = "form-error") -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle-alert", color_scheme="red", role="alert", width="100%",
                   custom_attrs={"data-testid": testid}),
    )


def notice_callout(message: rx.Var[str]) -> rx.Component:
    return rx.cond(message != "", rx.callout(message, icon="mail", color_scheme="blue", width="100%"))


SELECT_STYLE = {"width": "100%", "padding": "0.625rem 0.75rem", "border_radius": "0.5rem",
                "border": "1px solid var(--gray-7)", "background": "var(--color-panel-solid)", "color": "inherit"}


def native_select(name: str, *options: rx.Component, **props) -> rx.Component:
    """A plain <select> (it can offer an empty choice, which Radix's cannot)."""
    return rx.el.select(*options, name=name, id=name, style=SELECT_STYLE, **props)


# The browser never submits a form without an `action` itself: each is the app's, whose `on_submit`
# cancels the browser's submission once the app runs, but a prerendered page shows its forms before
# then (`esim_app.plugins.PaintFirst`), and Enter there sent the fields in the address
# (`/business/login?email=…&password=…`: browser history, proxy logs). What was typed stays in the boxes.
_NO_NATIVE_SUBMIT = """document.addEventListener("submit", (event) => {
  if (!event.target.hasAttribute("action")) event.preventDefault(); }, true);"""


def native_submit_guard() -> rx.Component:
    """The inline script (for the app's head) that keeps a form from being sent before the app runs."""
    return rx.el.script(_NO_NATIVE_SUBMIT)

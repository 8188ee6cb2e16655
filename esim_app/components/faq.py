"""Questions and answers as native disclosures (`<details>`/`<summary>`).

The browser opens and closes them itself: with the keyboard (Enter, Space), for screen readers (a
button that says whether it is expanded), without JavaScript, and so before the app runs on a
prerendered page (`esim_app.plugins.PaintFirst`). React leaves the `open` attribute alone when it
hydrates, so a question opened early stays open.
"""

from __future__ import annotations

import reflex as rx

from esim_app.components.ui import Text


def faq_item(question: Text, answer: rx.Component) -> rx.Component:
    """One question, closed until the reader opens it."""
    return rx.el.details(
        rx.el.summary(rx.el.span(question), class_name="faq-question"),
        rx.box(answer, class_name="faq-answer"),
        class_name="faq-item",
    )


def faq_list(*items: rx.Component) -> rx.Component:
    """The questions of a section (`faq_item`s), one under another."""
    return rx.box(*items, class_name="faq-list")

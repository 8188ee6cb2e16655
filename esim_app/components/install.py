"""How an eSIM is installed: QR code, iOS one-tap link, activation string, and the details to type
by hand. Shared by the customer's eSIM page and an employee's install page (`/install/[token]`)."""

from __future__ import annotations

import reflex as rx

from esim_app.components.ui import card
from esim_app.i18n import t


def copy_row(label: str | rx.Var[str], value: rx.Var[str], testid: str) -> rx.Component:
    return rx.vstack(
        rx.el.span(label, class_name="t-caption"),
        rx.hstack(
            rx.code(value, custom_attrs={"data-testid": testid}, word_break="break-all", size="2"),
            rx.icon_button(rx.icon("copy", size=14), variant="ghost", size="1", aria_label=t("Copy {label}", label=label),
                           on_click=[rx.set_clipboard(value), rx.toast.success(t("{label} copied", label=label))]),
            align="center",
            spacing="2",
        ),
        spacing="1",
        align="start",
        width="100%",
    )


def install_panel(qr_data_uri: rx.Var[str], ios_install_url: rx.Var[str], lpa: rx.Var[str],
                  smdp_address: rx.Var[str], activation_code: rx.Var[str]) -> rx.Component:
    return card(
        rx.vstack(
            rx.el.h2(t("Install your eSIM"), class_name="t-card"),
            rx.callout(t("Do not delete this eSIM from your phone: it cannot be installed a second time."),
                       icon="triangle-alert", color_scheme="orange", width="100%"),
            rx.flex(
                rx.image(src=qr_data_uri, alt=t("QR code to install the eSIM"), width="220px",
                         height="220px", border_radius="0.75rem", background="white",
                         custom_attrs={"data-testid": "esim-qr"}),
                rx.vstack(
                    rx.el.p(t("Scan with your phone's camera: Settings → Mobile data → Add eSIM → Use QR code."),
                            class_name="t-body"),
                    rx.el.a(rx.icon("smartphone", size=16), t("Install on iPhone (iOS 17.4+)"),
                            href=ios_install_url, class_name="btn btn-primary btn-sm",
                            custom_attrs={"data-testid": "ios-install-link"}),
                    copy_row(t("Activation string"), lpa, "esim-lpa"),
                    spacing="3",
                    align="start",
                ),
                direction=rx.breakpoints(initial="column", sm="row"),
                spacing="5",
                align="start",
            ),
            rx.el.details(
                rx.el.summary(t("Enter the details by hand"), font_weight="600", cursor="pointer"),
                rx.vstack(
                    copy_row(t("SM-DP+ address"), smdp_address, "esim-smdp"),
                    copy_row(t("Activation code"), activation_code, "esim-activation-code"),
                    rx.el.p(t("Android: Settings → Network & internet → SIMs → Add eSIM → Enter details manually. "
                              "iPhone: Settings → Mobile Service → Add eSIM → Use QR code → Enter details manually."),
                            class_name="t-secondary"),
                    spacing="3",
                    padding_top="0.75rem",
                ),
                width="100%",
            ),
            spacing="4",
            align="stretch",
        )
    )

"""The landing page: search, popular destinations, regions, how it works, FAQ."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.faq import faq_item, faq_list
from esim_app.components.plans import device_check_link
from esim_app.components.search import destination_search
from esim_app.components.ui import button_link, card, section, section_title
from esim_app.i18n import t
from esim_app.state.catalog import DisplayCurrencyState, LandingState
from services.catalog import POPULAR_DESTINATIONS, REGIONS, Destination
from services.core import N_

STEPS = (
    ("search", N_("Pick your destination"), N_("Choose a country, a region or a global plan. Prices include everything.")),
    ("credit-card", N_("Pay securely"), N_("Checkout with your card through Stripe. Your eSIM is ready seconds later.")),
    ("qr-code", N_("Scan and go"),
     N_("Scan the QR code or tap “Install” on iPhone. Switch on data roaming when you land.")),
)

# Also the lead of each plan's page.
INSTALL_ADVICE = N_("Install it before you leave, while you have Wi-Fi. The validity period of most plans starts when "
                    "the eSIM first connects to a network at your destination, not when you install it.")

FAQ = (
    (N_("What is an eSIM?"),
     N_("An eSIM is a digital SIM card built into your phone. You install a data plan by scanning a QR code, "
     "so there is no plastic card to collect or swap, and your usual SIM stays in place for calls and texts.")),
    (N_("Will it work on my phone?"),
     N_("Most phones from 2019 onwards support eSIM: iPhone XS and later, Google Pixel 3 and later, Samsung "
     "Galaxy S20 and later, among others. The phone must be carrier-unlocked. Dial *#06# — if you see an "
     "EID number, your phone supports eSIM.")),
    (N_("When should I install it?"), INSTALL_ADVICE),
    (N_("Can I keep my WhatsApp number?"),
     N_("Yes. WhatsApp, iMessage and FaceTime stay on your usual number; the eSIM only carries your data.")),
    (N_("What if I run out of data?"),
     N_("Top up from your account in a few taps. The top-up is added to the eSIM you already installed.")),
)


def _refund_answer() -> rx.Component:
    return rx.el.p(t("If you have not installed the eSIM, you can ask for a refund from your account within "
                     "{days} days of purchase. Once an eSIM is installed it cannot be refunded, because the data "
                     "is reserved for you.", days=DisplayCurrencyState.refund_days), class_name="t-body t-muted")


def _phone_illustration() -> rx.Component:
    """A stylised phone showing the delivered eSIM (decoration, hidden from screen readers; wide screens only)."""
    return rx.el.div(
        rx.el.div(
            rx.el.div(rx.icon("signal", size=16), rx.el.span(class_name="grow"), rx.icon("wifi", size=16),
                      rx.icon("battery-full", size=16), class_name="phone-status t-muted"),
            rx.el.div(rx.icon("qr-code", size=120, stroke_width=1.25), class_name="phone-qr"),
            rx.el.span(t("Your eSIM is ready"), font_weight="700", font_size="1.125rem"),
            rx.el.span(t("Scan the code or tap Install"), class_name="t-secondary"),
            rx.el.span(t("Install eSIM"), class_name="btn btn-primary btn-sm", width="100%"),
            class_name="card phone",
        ),
        class_name="hero-phone",
        aria_hidden="true",
    )


def _hero_copy() -> rx.Component:
    return rx.el.div(
        rx.el.span(t("190+ destinations · Instant delivery"), class_name="t-caption"),
        rx.el.h1(
            t("Mobile data for every trip, "),
            rx.el.span(t("without roaming bills"), class_name="t-gradient"),
            class_name="t-hero",
            max_width="52rem",
        ),
        rx.el.p(
            t("Buy a prepaid eSIM data plan before you fly, install it in a minute, and land connected. "
              "We compare several networks so you always get the best price."),
            class_name="t-body t-muted",
            font_size="1.125rem",
            max_width="40rem",
        ),
        destination_search(),
        rx.el.div(
            *[
                rx.el.div(rx.icon(icon, size=16, color="var(--accent-emerald)"),
                          rx.el.span(t(text), class_name="t-secondary"), class_name="hero-point")
                for icon, text in (
                    ("zap", N_("Delivered by email in seconds")),
                    ("shield-check", N_("Secure payment by Stripe")),
                    ("message-circle", N_("Keep your WhatsApp number")),
                )
            ],
            class_name="hero-points",
        ),
        class_name="hero-copy",
    )


def _hero() -> rx.Component:
    """Plain elements laid out by assets/theme.css (`.hero-*`), as the other sections' cards: the page's
    blocks are drawn in the prerendered HTML, and themed layout components would only add work to
    hydrating them."""
    return rx.el.section(
        rx.el.div(_hero_copy(), _phone_illustration(), class_name="container hero-grid"),
        class_name="hero",
    )


def _destination_card(dest: Destination) -> rx.Component:
    code = dest.code
    return rx.el.a(
        card(
            rx.el.span(dest.flag, class_name="flag", aria_hidden="true"),
            rx.el.span(LandingState.names[code], font_weight="600", font_size="1.0625rem"),
            rx.el.div(rx.el.span(rx.cond(LandingState.from_prices.contains(code),
                                         LandingState.from_prices[code], t("See plans")),
                                 class_name="t-secondary"),
                      rx.icon("arrow-right", size=14, class_name="t-muted"), class_name="card-more"),
            hover=True,
            padding="1.25rem",
            class_name="card-stack",
        ),
        href=routes.destination(dest.slug),  # named by its text: the country and its lowest price
        custom_attrs={"data-testid": "popular-destination"},
    )


def _popular() -> rx.Component:
    return section(
        section_title(t("Popular destinations"), t("Where our travellers are heading this season."),
                      eyebrow=t("Countries")),
        rx.el.div(*[_destination_card(dest) for dest in POPULAR_DESTINATIONS], class_name="grid popular-grid"),
        id="destinations",
    )


def _regions() -> rx.Component:
    region_cards = [
        rx.el.a(
            card(
                rx.el.span(r.icon, class_name="flag"),
                rx.el.h3(t(r.name), class_name="t-card"),
                rx.el.p(t(r.blurb), class_name="t-secondary"),
                hover=True,
                class_name="card-stack",
            ),
            href=routes.region(r.slug),
        )
        for r in REGIONS
    ]
    global_card = rx.el.a(
        rx.el.div(
            rx.el.span("🌍", class_name="flag"),
            rx.el.h3(t("Global"), class_name="t-card", color="white"),
            rx.el.p(t("One eSIM for multi-country trips: 100+ countries on a single plan."),
                    color="rgba(255,255,255,0.85)", font_weight="500", font_size="0.875rem"),
            class_name="card card-hover card-pad card-stack card-global",
        ),
        href=routes.GLOBAL,
    )
    return section(
        section_title(t("Travelling to several countries?"),
                      t("Regional and global plans cover every country on your route with one eSIM."),
                      eyebrow=t("Regions")),
        rx.el.div(*region_cards, global_card, class_name="grid regions-grid"),
        muted=True,
        id="regions",
    )


def _how_it_works() -> rx.Component:
    return section(
        section_title(t("How it works"), t("From checkout to connected in three steps."), eyebrow=t("Simple")),
        rx.el.div(
            *[
                card(
                    rx.el.div(rx.el.span(rx.icon(icon, size=22, color="white"), class_name="step-mark"),
                              rx.el.span(t("Step {n}", n=n), class_name="t-caption"), class_name="step-head"),
                    rx.el.h3(t(title), class_name="t-card"),
                    rx.el.p(t(text), class_name="t-body t-muted"),
                    class_name="card-stack step",
                )
                for n, (icon, title, text) in enumerate(STEPS, start=1)
            ],
            class_name="grid steps-grid",
        ),
        id="how-it-works",
    )


def _faq() -> rx.Component:
    return section(
        section_title(t("Questions travellers ask"), eyebrow=t("FAQ")),
        faq_list(
            *[faq_item(t(question), rx.el.p(t(answer), class_name="t-body t-muted")) for question, answer in FAQ],
            faq_item(t("Can I get a refund?"), _refund_answer()),
        ),
        rx.hstack(
            rx.el.p(t("Still unsure which plan fits your trip?"), class_name="t-body"),
            button_link(t("Browse global plans"), routes.GLOBAL, variant="secondary", size="sm"),
            device_check_link(),
            spacing="4",
            align="center",
            wrap="wrap",
            margin_top="2rem",
        ),
        muted=True,
        id="faq",
    )


def landing_page() -> rx.Component:
    return rx.fragment(_hero(), _popular(), _regions(), _how_it_works(), _faq())

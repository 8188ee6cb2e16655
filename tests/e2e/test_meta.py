"""Public pages describe themselves to search engines: a meta description built from the page's data."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def _description(page: Page) -> str:
    meta = page.locator('meta[name="description"]')
    expect(meta).to_have_count(1)
    return meta.get_attribute("content") or ""


def test_plan_pages_have_meta_descriptions_from_their_data(app_url: str, page: Page) -> None:
    seen: dict[str, str] = {}
    for route, words in (("/destinations/japan", ("in Japan",)), ("/regions/europe", ("countries in Europe",)),
                         ("/global", ("countries worldwide",))):
        page.goto(app_url + route)
        expect(page.get_by_test_id("plan-card").first).to_be_visible()
        cheapest = min(page.get_by_test_id("plan-price").all_inner_texts(),
                       key=lambda price: float(re.sub(r"[^\d.]", "", price)))
        expect(page.locator('meta[name="description"]')).to_have_attribute("content", re.compile(words[0]))
        text = _description(page)
        count = page.get_by_test_id("plan-card").count()
        assert re.search(rf"\b{count} plans? from {re.escape(cheapest)}\b", text), text
        assert 50 <= len(text) <= 200, text  # what search results show
        seen[route] = text
    page.get_by_test_id("plan-card").first.get_by_role("link", name="Details").click()
    expect(page).to_have_url(re.compile(r"/plans/"))
    expect(page.get_by_test_id("plan-price")).to_have_count(1)
    price = page.get_by_test_id("plan-price").inner_text()
    expect(page.locator('meta[name="description"]')).to_have_attribute("content", re.compile(re.escape(price)))
    seen["plan"] = _description(page)
    assert "countries" in seen["plan"] and 50 <= len(seen["plan"]) <= 200, seen["plan"]
    assert len(set(seen.values())) == len(seen), seen  # each page its own


def test_landing_page_has_a_meta_description(app_url: str, page: Page) -> None:
    page.goto(app_url + "/")
    expect(page.get_by_test_id("destination-search")).to_be_visible()
    assert "eSIM" in _description(page)

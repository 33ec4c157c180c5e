"""The 4.6 decision aid in the browser: the view looks up Python's recommendation for every
input combination and shows the same sentence, every control changes figure and sentence, and
the page raises no JS error."""

from __future__ import annotations

import pytest
from helpers import VIEWPORTS, explorer_page, text_of

from failurelab import advice
from failurelab.widgets import AdviceExplorer


@pytest.fixture(scope="module")
def advice_page(browser, tmp_path_factory):
    explorer = AdviceExplorer()
    with explorer_page(browser, [explorer], tmp_path_factory.mktemp("advice")) as (_p, views, errors):
        yield explorer, views[0], errors


def test_view_matches_python_on_every_combination(advice_page):
    reference, view, errors = advice_page
    for params in advice.combinations():
        assert reference.update(**params) is not None
        assert view.set(**params) == text_of(reference.readout), params
        rec = reference.state["recommendation"]
        big = view.locator(".fl-extra").inner_text()
        assert rec.rir_text in big and rec.failure_where in big, params
        assert all(r.text in big for r in rec.reasons), params
    assert errors == []


def test_every_control_changes_figure_and_sentence(advice_page):
    _, view, errors = advice_page
    for name, options in advice.INPUTS.items():
        view.set(**advice.DEFAULTS)
        before = (view.sentence(), view.figure())
        view.locator(f'.fl-control[data-name="{name}"] select').select_option(options[1][0])
        assert view.params()[name] == options[1][0]
        after = (view.sentence(), view.figure())
        assert after[0] != before[0] and after[1] != before[1], name
    assert errors == []


def test_reasons_link_to_their_sections_and_are_tagged(advice_page):
    _, view, errors = advice_page
    view.set(**{**advice.DEFAULTS, "load": "light", "limit": "recovery"})
    links = view.locator(".fl-extra a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    rec = advice.recommend(**{**advice.DEFAULTS, "load": "light", "limit": "recovery"})
    assert hrefs == [f"../../{r.path}.html" for r in rec.reasons]  # the test page is .html
    tags = view.locator(".fl-extra li > span").all_inner_texts()
    assert tags == [r.kind for r in rec.reasons]
    assert "1.2 §4" in view.locator(".fl-extra").inner_text()
    assert errors == []


def test_view_reads_on_a_phone(browser, tmp_path):
    with explorer_page(browser, [AdviceExplorer()], tmp_path, VIEWPORTS["phone"]) as (page, views, errors):
        view = views[0]
        size = view.locator(".fl-extra p").first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 28  # the range is the biggest text on the page
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert errors == []

"""The built book's search, in Debian chromium: the index covers every page, queries find the
right page, and the search box of the theme works at desktop and phone widths.

Sphinx's client-side search (search.html + searchindex.js) needs no server and no CDN.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote_plus

import pytest
from helpers import PAGE_TIMEOUT_MS, VIEWPORTS, book_pages, open_page

# query -> (page that must be among the first results, text its <h1> contains)
QUERIES = {
    "size principle": ("chapters/01_mechanism/01_size_principle.html", "size principle"),
    "Hedges": ("chapters/02_evidence/01_effect_sizes.html", "effect sizes"),
    "reps in reserve": ("chapters/03_practice/01_measuring_closeness_to_failure.html", "closeness to failure"),
}
TOP = 5  # the expected page must rank among the first TOP results
RESULT_LINKS = "#search-results ul.search li a"


def search(page, site_url, query):
    """Run ``query`` on search.html; return (summary text, result hrefs without query/anchor)."""
    page.goto(f"{site_url}/search.html?q={quote_plus(query)}", wait_until="load")
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " return s && /Search finished|did not match/.test(s.textContent); }",
        timeout=PAGE_TIMEOUT_MS,
    )
    summary = page.inner_text("#search-results .search-summary")
    hrefs = page.eval_on_selector_all(RESULT_LINKS, "as => as.map(a => a.getAttribute('href'))")
    return summary, [re.split(r"[?#]", h)[0] for h in hrefs]


def test_search_index_covers_every_page(built_book):
    text = (built_book.html / "searchindex.js").read_text()
    index = json.loads(text[text.index("(") + 1: text.rindex(")")])
    indexed = {f"{name}.html" for name in index["docnames"]}
    missing = sorted(set(book_pages(built_book.html)) - indexed)
    assert missing == [], f"pages not in the search index: {missing}"


@pytest.mark.parametrize("query", list(QUERIES))
def test_search_finds_the_right_page(browser, site, query):
    expected, heading = QUERIES[query]
    context, page, failed, _errors = open_page(browser, f"{site}/search.html", VIEWPORTS["desktop"])
    try:
        summary, hrefs = search(page, site, query)
        assert re.search(r"found [1-9]\d* page", summary), f"{query!r}: {summary}"
        unique = list(dict.fromkeys(hrefs))
        assert expected in unique[:TOP], f"{query!r}: {expected} not in the first {TOP} of {unique}"
        link = page.locator(f"{RESULT_LINKS}[href^='{expected}']").first
        link.click()
        page.wait_for_load_state("load")
        assert page.url.split("?")[0].split("#")[0].endswith(expected)
        assert heading.lower() in page.locator("h1").first.inner_text().lower()
        assert [f for f in failed if "favicon.ico" not in f] == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_search_box_from_a_page(browser, site, viewport):
    """The theme's search dialog (Ctrl+K, or the search button on a phone) leads to results."""
    context, page, _failed, _errors = open_page(browser, f"{site}/book/intro.html", VIEWPORTS[viewport])
    try:
        if viewport == "desktop":
            page.keyboard.press("Control+k")
        else:
            page.locator(".search-button__button >> visible=true").first.click()
        box = page.locator("#pst-search-dialog input[name='q']")
        box.wait_for(state="visible")
        box.fill("Hedges")
        box.press("Enter")
        page.wait_for_url(re.compile(r"search\.html\?q=Hedges"))
        page.wait_for_selector(RESULT_LINKS)
        hrefs = page.eval_on_selector_all(RESULT_LINKS, "as => as.map(a => a.getAttribute('href'))")
        assert any(h.startswith(QUERIES["Hedges"][0]) for h in hrefs), hrefs
    finally:
        context.close()

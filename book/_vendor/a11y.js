// Accessibility fixes for markup this course does not write itself (axe-core 4.14 findings,
// tests/test_accessibility.py). Each fix is narrow: it touches only the elements named, and
// only when they lack what assistive technology needs; idempotent, re-applied when the DOM
// changes (Font Awesome renders after load). Loaded on every page
// (html_js_files in _config.yml).
//
//  1. sphinx-book-theme / pydata-sphinx-theme 0.17.1
//     - sidebar expanders `li.has-children > details > summary` hold only a chevron icon
//       (axe "summary-name"): name them after the section they open;
//     - the search button's aria-label "Search" omits its visible "Ctrl + K", and the colour-mode
//       button ("Color mode") contains icons titled "Light"/"Dark"/"System Settings" (axe
//       "label-content-name-mismatch", WCAG 2.5.3): the search button is named by its visible
//       text; the colour-mode icons become decorative (aria-hidden, no title).
//  2. myst-nb "hide-input" toggles: aria-label "Toggle hidden content" differs from the
//     visible "Show code cell source" (label-content-name-mismatch): the visible text becomes
//     the name (the hidden alternative is display:none, so it is not read).
//  3. Tables: each cell gets its column's header text as data-label, which course.css shows
//     before the cell when a phone turns the rows into cards.
//  4. Sphinx 7.4 bibliography: role="doc-biblioentry" is deprecated in DPUB-ARIA 1.1, so its
//     `role="list"` parent has no valid items (axe "aria-required-children", critical): use
//     role="listitem" as DPUB-ARIA 1.1 recommends.
(function () {
  "use strict";

  function text(el) {
    return el ? el.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function fixTheme(root) {
    root.querySelectorAll("li.has-children > details > summary:not([aria-label])").forEach(function (s) {
      var link = s.parentElement.parentElement.querySelector(":scope > a");
      s.setAttribute("aria-label", "Sections of " + (text(link) || "this chapter"));
    });
    // The search button's visible text ("Search Ctrl + K") becomes its name.
    root.querySelectorAll(".search-button__button[aria-label]").forEach(function (b) {
      if (text(b)) b.removeAttribute("aria-label");
    });
    // Colour-mode icons: decorative inside the named button. Font Awesome turns each <i> into an
    // <svg role="img"> titled from the <i>'s title, before or after this script runs.
    root.querySelectorAll(".theme-switch-button[aria-label] i[title]").forEach(function (i) {
      i.removeAttribute("title");
    });
    root.querySelectorAll(".theme-switch-button[aria-label] svg").forEach(function (svg) {
      svg.querySelectorAll("title").forEach(function (t) { t.remove(); });
      svg.removeAttribute("aria-labelledby");
      svg.removeAttribute("role");
      svg.setAttribute("aria-hidden", "true");
    });
    root.querySelectorAll('summary[aria-label="Toggle hidden content"]').forEach(function (s) {
      if (text(s)) s.removeAttribute("aria-label");
    });
    root.querySelectorAll('[role="doc-biblioentry"]').forEach(function (el) {
      el.setAttribute("role", "listitem");
    });
    // course.css shows tables as cards on phones: each cell names its column
    root.querySelectorAll("article.bd-article table").forEach(function (table) {
      var heads = Array.from(table.querySelectorAll("thead tr:last-child th")).map(text);
      if (!heads.length) return;
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.from(row.children).forEach(function (cell, i) {
          if (heads[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[i]);
        });
      });
    });
  }

  function run() {
    fixTheme(document);
    var pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        fixTheme(document);
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();

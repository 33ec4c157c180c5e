// Loaded before require.js and embed-amd.js (nb_ipywidgets_js in _config.yml); copied into
// book/_vendor/vendor/ by `python -m tools vendor`.
(function () {
  // 1. Where the ipywidgets html-manager finds its font files (next to embed-amd.js).
  var base = new URL("html-manager/", document.currentScript.src).href;
  window.__jupyter_widgets_assets_path__ = base;
  window.require = { paths: { "@jupyter-widgets/html-manager/dist": base.replace(/\/$/, "") } };

  // 2. ipywidgets typesets widget labels with the MathJax 2 API (MathJax.Hub.Queue); this
  //    book loads MathJax 3. Forward those calls to MathJax 3, one typeset after another.
  //    (Without it, a page with math and widgets throws "Cannot read properties of undefined
  //    (reading 'Queue')".)
  var queue = null;
  function typeset(element) {
    var M = window.MathJax;
    queue = (queue || M.startup.promise)
      .then(function () { return M.typesetPromise(element ? [element] : undefined); })
      .catch(function (err) { console.warn("MathJax could not typeset a widget label", err); });
  }
  // Registered now, so it runs before the html-manager's own "load" handler renders widgets.
  window.addEventListener("load", function () {
    var M = window.MathJax;
    if (M && M.version && M.startup && !M.Hub) {
      M.Hub = {
        Queue: function () {
          Array.prototype.forEach.call(arguments, function (job) {
            if (Array.isArray(job) && job[0] === "Typeset") { typeset(job[2]); }
          });
        },
      };
    }
  });

  // 3. The bundle holds a second copy of Font Awesome's CSS whose font URLs are resolved against
  //    the page (".../<page folder>/@jupyter-widgets/<hash>.woff2", 404 on pages without MathJax,
  //    where it is injected first). Point them at the vendored fonts as soon as the style appears.
  var wrong = /url\((["']?)[^"')]*?@jupyter-widgets\//g;
  new MutationObserver(function () {
    document.querySelectorAll("style").forEach(function (style) {
      if (style.textContent.indexOf("@jupyter-widgets/") >= 0) {
        style.textContent = style.textContent.replace(wrong, "url($1" + base);
      }
    });
  }).observe(document.head, { childList: true, subtree: true, characterData: true });
})();

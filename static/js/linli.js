/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  // Large-text toggle answered by the server (HX-Trigger: linli:large-text).
  document.addEventListener("linli:large-text", function (event) {
    var enabled = !!(event.detail && event.detail.enabled);
    document.body.classList.toggle("large-text", enabled);
    document.querySelectorAll("form.large-text-toggle").forEach(function (form) {
      var input = form.querySelector("input[name=enabled]");
      if (input) input.value = enabled ? "0" : "1";
      var button = form.querySelector("button");
      if (button) button.setAttribute("aria-pressed", enabled ? "true" : "false");
    });
    window.dispatchEvent(new Event("resize")); // let charts and maps re-measure
  });
  // Select boxes that submit their form on change: <select data-autosubmit>.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches("select[data-autosubmit]") || !el.form) return;
    if (el.form.requestSubmit) el.form.requestSubmit(); else el.form.submit();
  });
  // "Back" links: <a href="/" data-history-back> (the href is the no-JS fallback).
  document.addEventListener("click", function (event) {
    var a = event.target.closest && event.target.closest("a[data-history-back]");
    if (a && window.history.length > 1) { event.preventDefault(); window.history.back(); }
  });
  // Survey skip logic: a radio with data-skip="N" hides questions before position N.
  var applySkips = function (form) {
    var skipTo = 0;
    form.querySelectorAll("fieldset.sq").forEach(function (fs) {
      var pos = parseInt(fs.dataset.position, 10);
      var hidden = pos < skipTo;
      fs.classList.toggle("skipped", hidden);
      if (hidden) return;
      var picked = fs.querySelector("input[type=radio][data-skip]:checked");
      if (picked && picked.dataset.skip) skipTo = parseInt(picked.dataset.skip, 10);
    });
  };
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.querySelector("fieldset.sq")) applySkips(form);
  });
  var initSkips = function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("fieldset.sq")) applySkips(form);
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initSkips);
  else initSkips();
  // Confirm dangerous actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);
})();

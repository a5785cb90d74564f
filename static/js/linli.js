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
  // Confirm dangerous actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);
})();

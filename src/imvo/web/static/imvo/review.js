/* The review queue's keyboard: the keys of the legend press the buttons and links, so that
   htmx (or, without it, the browser) does the rest. A file of its own, as the Content Security
   Policy allows no inline script. */
(function () {
  "use strict";
  // Keys of the legend above; they press the buttons and links, so that htmx (or, without
  // it, the browser) does the rest. Typing in a field is left alone.
  // Keys pressed while a decision is on its way, or the next review is being swapped in, are
  // ignored: no decision is sent twice, none lands on a review the user has not seen.
  document.body.addEventListener("htmx:beforeRequest", function () { document.body.dataset.reviewBusy = "true"; });
  document.body.addEventListener("htmx:afterSettle", function () { delete document.body.dataset.reviewBusy; });
  document.body.addEventListener("htmx:responseError", function () { delete document.body.dataset.reviewBusy; });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (document.body.dataset.reviewBusy) return;
    var target = event.target;
    if (target && (target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT" ||
        (target.tagName === "INPUT" && target.type !== "radio"))) return;
    var item = document.getElementById("review-item");
    if (!item) return;
    var key = event.key.toLowerCase();
    if (/^[1-5]$/.test(key)) {
      var radio = item.querySelector('input[name="facility"][data-key="' + key + '"]');
      if (radio) { radio.checked = true; radio.focus(); event.preventDefault(); }
      return;
    }
    var control = item.querySelector('[data-key="' + key + '"]');
    if (control) { event.preventDefault(); control.click(); }
  });
})();

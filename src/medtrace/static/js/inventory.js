/* Inventory move forms (modules/inventory/templates): after a scan, a serial number means one
 * piece (the quantity is set to 1 when empty) and the cursor goes to the first required field
 * still empty, so a handheld user scans item, then locations, without touching the screen.
 * Loaded by those pages only; no inline script anywhere (the CSP forbids it).
 */
(function () {
  "use strict";

  document.addEventListener("medtrace:scan", function (event) {
    var input = event.target;
    var form = input && input.form;
    if (!form || !form.hasAttribute("data-serial-quantity")) {
      return;
    }
    var fill = (event.detail && event.detail.fill) || {};
    var quantity = form.querySelector("input[name=quantity]");
    if (fill.serial && quantity && !quantity.value) {
      quantity.value = "1";
    }
    var next = form.querySelector("input[required]:invalid, select[required]:invalid");
    if (next && next !== input) {
      next.focus();
    }
  });
})();

/* MedTrace scan fields (docs/scan-fields.md).
 *
 * Any <input data-scan> takes what a barcode scanner types: GS1 element strings with the group
 * separator (keyboard-wedge scanners send GS as a keystroke: key "GroupSeparator" or Ctrl+],
 * which become "\x1d" in the value), with or without a symbology identifier, the parenthesised
 * human-readable form, GS1 Digital Link URIs, HIBCC and ISBT 128. Enter (scanners end with
 * Enter or Tab) does not submit the form: the raw value is posted to the parse endpoint with
 * the session's CSRF token, the form's fields marked data-scan-fill="<key>" are filled from the
 * answer, and parse errors (in the user's language) are shown next to the field. Only text that
 * is no UDI at all, typed into a named field (an item code, a search term), is left as typed and
 * Enter then submits as usual.
 *
 * Loaded once from base.html; no inline script anywhere (the CSP forbids it).
 */
(function () {
  "use strict";

  var GS = "\x1d";
  var DEFAULT_URL = "/catalog/scan/parse";
  // text that is no UDI at all: in a named field it is taken as typed (a code, a search)
  var NOT_A_SCAN = "UDI-UNKNOWN-FORMAT";

  function meta(name) {
    var element = document.querySelector('meta[name="' + name + '"]');
    return element ? element.getAttribute("content") || "" : "";
  }

  function isScanField(element) {
    return element instanceof HTMLInputElement && element.hasAttribute("data-scan");
  }

  function isGroupSeparator(event) {
    if (event.key === "GroupSeparator" || event.key === GS) {
      return true;
    }
    return event.ctrlKey && !event.altKey && !event.metaKey &&
      (event.key === "]" || event.code === "BracketRight");
  }

  function insertAtCursor(input, text) {
    var start = input.selectionStart === null ? input.value.length : input.selectionStart;
    var end = input.selectionEnd === null ? input.value.length : input.selectionEnd;
    input.setRangeText(text, start, end, "end");
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function scopeOf(input) {
    return input.closest("[data-scan-scope]") || input.form || document;
  }

  function errorBox(input) {
    var target = input.getAttribute("data-scan-errors");
    if (target) {
      return document.getElementById(target);
    }
    var next = input.nextElementSibling;
    if (next && next.hasAttribute("data-scan-error-box")) {
      return next;
    }
    var box = document.createElement("span");
    box.className = "field-error scan-errors";
    box.setAttribute("data-scan-error-box", "");
    box.setAttribute("role", "alert");
    box.setAttribute("data-testid", "scan-error");
    input.insertAdjacentElement("afterend", box);
    return box;
  }

  function showErrors(input, errors) {
    var box = errorBox(input);
    if (!box) {
      return;
    }
    box.textContent = "";
    errors.forEach(function (error) {
      var line = document.createElement("span");
      line.className = "scan-error";
      line.textContent = error.message + " ";
      if (error.code) {
        var code = document.createElement("code");
        code.className = "muted";
        code.textContent = error.code;
        line.appendChild(code);
      }
      box.appendChild(line);
    });
    if (errors.length) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  function setValue(field, value) {
    if (field instanceof HTMLSelectElement) {
      var known = Array.prototype.some.call(field.options, function (option) {
        return option.value === value;
      });
      if (!known) {
        return;
      }
    }
    field.value = value;
    if (isScanField(field)) {
      field.dataset.scanLast = value;
    }
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  /* What the scan field itself shows after a scan: data-scan-fill or the value of data-scan
   * names a key ("udi": the DI, i.e. the GTIN for GS1); without one, the scan's HRI. */
  function ownKey(input) {
    return input.getAttribute("data-scan-fill") || input.getAttribute("data-scan") || "";
  }

  function ownValue(input, body) {
    var key = ownKey(input);
    var values = body.fill;
    if (key === "udi") {
      return values.gtin || values.di || null;
    }
    if (key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : null;
    }
    return body.hri || null;
  }

  function fill(input, body) {
    var values = body.fill;
    var targets = scopeOf(input).querySelectorAll("[data-scan-fill]");
    Array.prototype.forEach.call(targets, function (field) {
      var key = field.getAttribute("data-scan-fill");
      if (field !== input && Object.prototype.hasOwnProperty.call(values, key)) {
        setValue(field, values[key]);
      }
    });
    // the raw scan is no value for a keyed field: without its key, back to what it held
    var own = ownValue(input, body);
    setValue(input, own === null ? input.dataset.scanBefore || "" : own);
  }

  function renderResult(input, body) {
    var id = input.getAttribute("data-scan-result");
    var container = id ? document.getElementById(id) : null;
    if (!container) {
      return;
    }
    container.textContent = "";
    if (body.errors && body.errors.length) {
      var list = document.createElement("ul");
      list.className = "alert scan-errors";
      list.setAttribute("role", "alert");
      list.setAttribute("data-testid", "scan-errors");
      body.errors.forEach(function (error) {
        var item = document.createElement("li");
        item.textContent = error.message + " ";
        var code = document.createElement("code");
        code.className = "muted";
        code.textContent = error.code;
        item.appendChild(code);
        list.appendChild(item);
      });
      container.appendChild(list);
    }
    var table = document.createElement("table");
    table.className = "table";
    table.setAttribute("data-testid", "scan-result");
    var tbody = document.createElement("tbody");
    (body.rows || []).forEach(function (row) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.textContent = row[0];
      var td = document.createElement("td");
      var code = document.createElement("code");
      code.textContent = row[1];
      td.appendChild(code);
      tr.appendChild(th);
      tr.appendChild(td);
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    container.appendChild(table);
  }

  function wrongItem(input, body) {
    var expected = input.getAttribute("data-scan-item");
    if (!expected) {
      return false;
    }
    return !body.item || String(body.item.id) !== expected;
  }

  function takenAsTyped(input, body) {
    return Boolean(input.name) && body.errors.length === 1 && body.errors[0].code === NOT_A_SCAN;
  }

  async function parse(input, submitting) {
    var raw = input.value;
    if (!raw.replace(/[\s\x1d]/g, "")) {
      return;
    }
    input.dataset.scanLast = raw;
    input.setAttribute("aria-busy", "true");
    var body = null;
    var ok = false;
    try {
      var response = await fetch(input.getAttribute("data-scan-url") || DEFAULT_URL, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRF-Token": meta("csrf-token"),
        },
        body: JSON.stringify({ code: raw }),
      });
      ok = response.ok;
      body = await response.json();
    } catch (error) {
      body = null;
    } finally {
      input.removeAttribute("aria-busy");
    }
    if (!ok || !body || !body.fill) {
      var message = (body && body.title) || meta("medtrace-scan-failed");
      showErrors(input, [{ message: message, code: body && body.code }]);
      return;
    }
    if (takenAsTyped(input, body)) {
      showErrors(input, []);
      if (submitting && input.form) {
        input.form.requestSubmit(); // Enter after a typed code or search term: as usual
      }
      return;
    }
    renderResult(input, body);
    if (wrongItem(input, body)) {
      var text = input.getAttribute("data-scan-item-message") || meta("medtrace-scan-failed");
      showErrors(input, body.errors.concat([{ message: text, code: "" }]));
      return;
    }
    showErrors(input, body.errors);
    if (Object.keys(body.fill).length) { // empty when an error makes the scan unusable
      fill(input, body);
    }
    input.dispatchEvent(new CustomEvent("medtrace:scan", { bubbles: true, detail: body }));
  }

  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (!isScanField(input)) {
      return;
    }
    input.dataset.scanBefore = input.value;
    if (ownKey(input) && input.value) {
      input.select(); // a scan replaces what the field held
    }
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!isScanField(input) || event.isComposing) {
      return;
    }
    if (isGroupSeparator(event)) {
      event.preventDefault();
      insertAtCursor(input, GS);
    } else if (event.key === "Enter") {
      event.preventDefault(); // a scan ends with Enter: it does not submit the form
      parse(input, true);
    }
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (isScanField(input) && input.value !== input.dataset.scanLast) {
      parse(input, false); // the scanner ended with Tab, or the field was typed and left
    }
  });
})();

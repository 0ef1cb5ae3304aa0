/* Trace page (modules/traceability/templates/traceability/trace.html).
 *
 * 1. A scan into the trace box that ends with Enter traces at once: scan.js parses it (and
 *    puts its human-readable form in the box), then this submits the form. The server decides
 *    what the code is (a UDI, an SSCC, a lot or serial number), so parse errors do not stop it.
 * 2. The genealogy drawing (an SVG drawn on the server, one row per node, children indented
 *    under their parent) folds and unfolds subtrees: the toggle of a node hides or shows its
 *    descendants and the rows below move up or down.
 *
 * Loaded from the page as a file: no inline script anywhere (the CSP forbids it).
 */
(function () {
  "use strict";

  var entered = null;

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key === "Enter" && input instanceof HTMLInputElement && input.form &&
        input.form.hasAttribute("data-trace-form") && input.hasAttribute("data-scan")) {
      entered = input;
    }
  }, true);

  document.addEventListener("medtrace:scan", function (event) {
    var input = event.target;
    if (input === entered && input.form) {
      entered = null;
      input.form.requestSubmit();
    }
  });

  function setUp(svg) {
    var row = Number(svg.getAttribute("data-row"));
    var indent = Number(svg.getAttribute("data-indent"));
    var pad = Number(svg.getAttribute("data-pad"));
    var boxHeight = Number(svg.getAttribute("data-box-h"));
    var width = Number(svg.getAttribute("width"));
    var nodes = Array.prototype.slice.call(svg.querySelectorAll("g.node"));
    var byKey = {};
    var edges = {};
    nodes.forEach(function (node) { byKey[node.getAttribute("data-key")] = node; });
    Array.prototype.forEach.call(svg.querySelectorAll("path[data-edge]"), function (path) {
      edges[path.getAttribute("data-edge")] = path;
    });

    function hidden(node) {
      var parent = byKey[node.getAttribute("data-parent")];
      while (parent) {
        if (parent.classList.contains("collapsed")) {
          return true;
        }
        parent = byKey[parent.getAttribute("data-parent")];
      }
      return false;
    }

    function layout() {
      var shown = 0;
      var at = {};
      nodes.forEach(function (node) {
        var key = node.getAttribute("data-key");
        var edge = edges[key];
        if (hidden(node)) {
          node.setAttribute("display", "none");
          if (edge) {
            edge.setAttribute("display", "none");
          }
          return;
        }
        var x = pad + Number(node.getAttribute("data-depth")) * indent;
        var y = pad + shown * row;
        shown += 1;
        at[key] = [x, y];
        node.removeAttribute("display");
        node.setAttribute("transform", "translate(" + x + " " + y + ")");
        var parent = at[node.getAttribute("data-parent")];
        if (edge && parent) {
          edge.removeAttribute("display");
          edge.setAttribute("d", "M" + (parent[0] + indent / 2) + " " + (parent[1] + boxHeight) +
            " V" + (y + boxHeight / 2) + " H" + x);
        }
      });
      var height = pad * 2 + Math.max(shown - 1, 0) * row + boxHeight;
      svg.setAttribute("height", String(height));
      svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    }

    function fold(node, collapsed) {
      node.classList.toggle("collapsed", collapsed);
      var toggle = node.querySelector("[data-toggle]");
      if (toggle) {
        toggle.setAttribute("aria-expanded", String(!collapsed));
        toggle.querySelector("text").textContent = collapsed ? "+" : "\u2212";
      }
    }

    function toggleOf(target) {
      return target instanceof Element ? target.closest("[data-toggle]") : null;
    }

    svg.addEventListener("click", function (event) {
      var toggle = toggleOf(event.target);
      if (toggle) {
        event.preventDefault();
        var node = toggle.closest("g.node");
        fold(node, !node.classList.contains("collapsed"));
        layout();
      }
    });
    svg.addEventListener("keydown", function (event) {
      var toggle = toggleOf(event.target);
      if (toggle && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        var node = toggle.closest("g.node");
        fold(node, !node.classList.contains("collapsed"));
        layout();
      }
    });

    var figure = svg.closest("figure");
    var buttons = figure ? figure.querySelector("[data-graph-buttons]") : null;
    if (buttons) {
      buttons.hidden = false;
      buttons.addEventListener("click", function (event) {
        var action = event.target instanceof Element ?
          event.target.getAttribute("data-graph-action") : null;
        if (!action) {
          return;
        }
        nodes.forEach(function (node) {
          if (node.querySelector("[data-toggle]")) {
            fold(node, action === "collapse" && node.getAttribute("data-depth") !== "0");
          }
        });
        layout();
      });
    }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("svg[data-trace-graph]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

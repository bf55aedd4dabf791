// The page behaviours that used to be inline handlers (a strict Content-Security-Policy allows no
// inline script): every page loads this file once.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing a value submits its form (period pickers).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });

  // <button data-tree="open|close" data-tree-scope="SELECTOR">: open or close every <details> in the
  // scope (the plan tree's "expand all" and "collapse all").
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("[data-tree]") : null;
    if (!button) return;
    var open = button.getAttribute("data-tree") === "open";
    var scope = button.getAttribute("data-tree-scope") || "details";
    document.querySelectorAll(scope).forEach(function (details) {
      details.open = open;
    });
  });

  // Django's default form widgets inside .jj-form get Bootstrap's classes.
  function styleForms() {
    document.querySelectorAll(".jj-form input:not([type=checkbox]):not([type=radio]):not([type=hidden]), .jj-form textarea")
      .forEach(function (element) { element.classList.add("form-control"); });
    document.querySelectorAll(".jj-form select").forEach(function (element) {
      element.classList.add("form-select");
    });
  }

  // A lazily loaded fragment (htmx) that fails to load says so in its box, in the page's language
  // (the text is the box's data-error attribute).
  ["htmx:responseError", "htmx:sendError"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var box = event.detail && event.detail.target;
      if (box && box.getAttribute && box.hasAttribute("data-error")) {
        box.textContent = box.getAttribute("data-error");
      }
    });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", styleForms);
  } else {
    styleForms();
  }
})();

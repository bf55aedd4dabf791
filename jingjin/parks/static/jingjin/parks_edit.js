/* A searchable multi-select (the park form's industries): a filter box above each
   select.jj-filtered-select hides the options whose text does not contain what is typed;
   selected options stay visible. Texts only (strict CSP). */
(function () {
  const script = document.currentScript;
  const label = (script && script.dataset.filterLabel) || "Filter";
  document.querySelectorAll("select.jj-filtered-select").forEach(select => {
    const box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = label;
    box.setAttribute("aria-label", label);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", () => {
      const words = box.value.trim().toLowerCase();
      Array.from(select.options).forEach(option => {
        const shown = !words || option.selected || option.text.toLowerCase().includes(words);
        option.hidden = !shown;
      });
    });
  });
})();

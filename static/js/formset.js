// Add and remove rows of a Django formset in the page. Without JavaScript the form still offers
// one blank row and the "Remove" checkboxes, so it works either way.
(function () {
  "use strict";

  function setUp(fieldset) {
    const prefix = fieldset.dataset.formset;
    const total = fieldset.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const maximum = fieldset.querySelector(`input[name="${prefix}-MAX_NUM_FORMS"]`);
    const rows = fieldset.querySelector("[data-formset-rows]");
    const template = fieldset.querySelector("template[data-formset-template]");
    const add = fieldset.querySelector("[data-formset-add]");

    function hideWhenRemoved(row) {
      const remove = row.querySelector('input[type="checkbox"][name$="-DELETE"]');
      if (remove) {
        remove.addEventListener("change", function () {
          row.classList.toggle("formset-row-removed", remove.checked);
        });
      }
    }

    rows.querySelectorAll("[data-formset-row]").forEach(hideWhenRemoved);
    add.hidden = false;
    add.addEventListener("click", function () {
      const index = parseInt(total.value, 10);
      if (maximum && index >= parseInt(maximum.value, 10)) {
        return;
      }
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const row = rows.lastElementChild;
      hideWhenRemoved(row);
      const first = row.querySelector("select, input, textarea");
      if (first) {
        first.focus();
      }
    });
  }

  document.querySelectorAll("[data-formset]").forEach(setUp);
})();

// Add and remove rows of a Django formset in the page. Without JavaScript the form still offers
// one blank row and a "Remove" checkbox on each row, so it works either way.
(function () {
  "use strict";

  function setUp(fieldset) {
    const prefix = fieldset.dataset.formset;
    const total = fieldset.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const maximum = fieldset.querySelector(`input[name="${prefix}-MAX_NUM_FORMS"]`);
    const rows = fieldset.querySelector("[data-formset-rows]");
    const template = fieldset.querySelector("template[data-formset-template]");
    const add = fieldset.querySelector("[data-formset-add]");

    // With JavaScript, "Remove" is a button: it ticks the row's hidden DELETE box and takes the row out of
    // view, and the add button's focus moves on so a keyboard user is not left on a hidden control.
    function offerRemove(row) {
      const remove = row.querySelector('input[type="checkbox"][name$="-DELETE"]');
      const button = row.querySelector("[data-formset-remove]");
      if (!remove || !button) {
        return;
      }
      row.querySelector("[data-formset-remove-check]").hidden = true;
      button.hidden = false;
      row.hidden = remove.checked;
      button.addEventListener("click", function () {
        remove.checked = true;
        row.hidden = true;
        add.focus();
      });
    }

    rows.querySelectorAll("[data-formset-row]").forEach(offerRemove);
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
      offerRemove(row);
      const first = row.querySelector("select, input, textarea");
      if (first) {
        first.focus();
      }
    });
  }

  document.querySelectorAll("[data-formset]").forEach(setUp);
})();

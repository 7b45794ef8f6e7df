// "Add a party" / "Add a duty" without a round trip: copy the formset's empty row and count it in TOTAL_FORMS.
// Without this script the same buttons post the form and the server adds the row (nothing is saved).
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-add-row]");
  if (!button) return;
  const prefix = button.dataset.addRow;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const empty = document.getElementById(`${prefix}-empty`);
  const rows = document.querySelector(`[data-rows="${prefix}"]`);
  if (!total || !empty || !rows) return;
  event.preventDefault();
  const index = Number(total.value);
  rows.insertAdjacentHTML("beforeend", empty.innerHTML.replaceAll("__prefix__", String(index)));
  total.value = String(index + 1);
  rows.lastElementChild.querySelector("select, textarea, input:not([type=hidden])")?.focus();
});

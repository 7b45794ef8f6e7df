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
  if (prefix === "duties") offerParties();
  rows.lastElementChild.querySelector("select, textarea, input:not([type=hidden])")?.focus();
});

// A duty's party is chosen among the party rows as they are typed, saved or not. The values are those of
// agreements/forms.py party_reference: the row (parties-2), so a duty stays on its row when the row's library changes.
function typedParties() {
  const parties = [];
  for (const row of document.querySelectorAll('[data-rows="parties"] .party-row')) {
    const library = row.querySelector('select[name$="-library"]');
    const institution = row.querySelector('input[name$="-institution"]');
    if (!library || row.querySelector('input[name$="-DELETE"]')?.checked) continue;
    const prefix = library.name.replace(/-library$/, "");
    if (library.value) parties.push([prefix, library.selectedOptions[0].text]);
    else if (institution?.value.trim()) parties.push([prefix, institution.value.trim()]);
  }
  return parties;
}

function offerParties() {
  const parties = typedParties();
  for (const select of document.querySelectorAll('[data-rows="duties"] select[name$="-party"]')) {
    const chosen = select.value;
    select.replaceChildren(new Option("—", ""), ...parties.map(([value, label]) => new Option(label, value)));
    select.value = parties.some(([value]) => value === chosen) ? chosen : "";
  }
}

document.addEventListener("change", (event) => {
  if (event.target.closest('[data-rows="parties"]')) offerParties();
});

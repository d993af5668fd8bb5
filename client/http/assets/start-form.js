// Progressive enhancement of the start form (client/http/pages/start-page.ts): "add a row" adds
// the row in place instead of sending the form round. Without this script the button submits the
// form and the server shows it again with one more row; either way the server counts a group's
// rows from its `_rows.<group>` field, so both paths post the same fields.
'use strict';

const MAX_ROWS = 100; // client/http/pages/start-form.ts; past it, the server's answer says so

document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[name="_more"]') : null;
  const fieldset = button?.closest('fieldset');
  const rows = fieldset ? fieldset.querySelectorAll(':scope > .row') : [];
  const counter = fieldset?.querySelector('input[type="hidden"][name^="_rows."]');
  if (!button || !rows.length || !counter || rows.length >= MAX_ROWS) return;
  event.preventDefault();
  const group = button.value;
  const last = rows[rows.length - 1];
  const row = last.cloneNode(true);
  const from = `${group}.${rows.length - 1}.`;
  const to = `${group}.${rows.length}.`;
  for (const field of row.querySelectorAll('[name]')) {
    field.name = field.name.replace(from, to);
    if (field.id) field.id = field.name;
    field.removeAttribute('aria-invalid');
    field.removeAttribute('aria-describedby');
    if (field.tagName === 'SELECT') field.selectedIndex = 0;
    else field.value = '';
  }
  // The copied row's refusals belong to the row it was copied from.
  for (const error of row.querySelectorAll('.error')) {
    if (error.previousElementSibling?.tagName === 'BR') error.previousElementSibling.remove();
    error.remove();
  }
  // The legend ends with the row's number ("Jednostki, wiersz 3").
  const legend = row.querySelector('legend');
  if (legend) legend.textContent = legend.textContent.replace(/\d+$/, String(rows.length + 1));
  last.after(row);
  counter.value = String(rows.length + 1);
  row.querySelector('input')?.focus();
});

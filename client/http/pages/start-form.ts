import type { Variant } from '../../../domain/application-input';
import type { FieldProblem } from '../../../domain/domain-error';
import { fromWarsaw, toWarsaw } from '../../../workflows/calendar/warsaw-time';

// The start form's model: flat form fields named by the input's own paths (`units.0.approver.email`),
// so a refusal's field paths point straight at the fields. Groups of rows (units, board members,
// services) keep their row numbers; empty rows are left out of the input and the problems'
// paths are mapped back to the rows they came from.

export type FormValues = Record<string, string>;

/** The repeated groups of a variant's form, with their fields (relative to a row). */
export const rowGroups: Record<Variant, Array<{ group: string; fields: string[] }>> = {
  'module-in-existing-projects': [{ group: 'units', fields: ['key', 'name', 'projectReference', 'approver.name', 'approver.email', 'approver.language'] }],
  'dedicated-zit-allocation': [
    { group: 'units', fields: ['key', 'name', 'approver.name', 'approver.email', 'approver.language'] },
    { group: 'board.members', fields: ['name', 'email', 'language'] },
    { group: 'serviceCatalogue', fields: ['code', 'name'] },
  ],
  'individual-cooperation': [{ group: 'units', fields: ['key', 'name', 'approver.name', 'approver.email', 'approver.language'] }],
};

/** The single people of a variant's form besides the coordinator. */
export const peopleOf: Record<Variant, string[]> = {
  'module-in-existing-projects': [],
  'dedicated-zit-allocation': ['promoter'],
  'individual-cooperation': ['partners.ksse', 'partners.landster'],
};

export const DEFAULT_ROWS = 3;
export const MAX_ROWS = 100;

/** How many rows each group shows: what the form had, plus one when "add a row" was pressed. */
export function rowCounts(variant: Variant, values: FormValues): Record<string, number> {
  return Object.fromEntries(
    rowGroups[variant].map(({ group }) => {
      const had = Number(values[`_rows.${group}`]) || DEFAULT_ROWS;
      return [group, Math.min(MAX_ROWS, Math.max(1, had + (values._more === group ? 1 : 0)))];
    }),
  );
}

const setPath = (target: Record<string, unknown>, path: string, value: unknown) => {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys.at(-1)!] = value;
};

/** A Warsaw wall-clock `YYYY-MM-DDTHH:MM` as an ISO instant; anything else as it is (the schema refuses it). */
export function warsawInstant(local: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return local;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  return new Date(fromWarsaw({ year, month, day, hour, minute })).toISOString();
}

/**
 * The application input the form describes, and for each group the form row of each input row
 * (for mapping problems back).
 */
export function inputFromForm(variant: Variant, values: FormValues, deadlineKeys: readonly string[]) {
  const input: Record<string, unknown> = { variant };
  const text = (name: string) => (values[name] ?? '').trim();
  const person = (prefix: string) => ({ name: text(`${prefix}.name`), email: text(`${prefix}.email`), ...(text(`${prefix}.language`) === 'en' ? { language: 'en' } : {}) });
  input.title = text('title');
  input.coordinator = person('coordinator');
  input.deadlines = Object.fromEntries(deadlineKeys.map((k) => [k, warsawInstant(text(`deadlines.${k}`))]));
  for (const path of peopleOf[variant]) setPath(input, path, person(path));
  const rowsOf: Record<string, number[]> = {};
  const counts = rowCounts(variant, { ...values, _more: '' });
  for (const { group, fields } of rowGroups[variant]) {
    const rows: Array<Record<string, unknown>> = [];
    rowsOf[group] = [];
    for (let i = 0; i < counts[group]!; i++) {
      const filled = fields.filter((f) => !f.endsWith('language') && text(`${group}.${i}.${f}`));
      if (!filled.length) continue;
      const row: Record<string, unknown> = {};
      for (const f of fields) {
        const value = text(`${group}.${i}.${f}`);
        if (f.endsWith('language')) {
          if (value === 'en') setPath(row, f, 'en');
        } else if (value || f !== 'projectReference') setPath(row, f, value);
      }
      rows.push(row);
      rowsOf[group].push(i);
    }
    setPath(input, group, rows);
  }
  return { input, rowsOf };
}

/** A refusal's problems with their paths pointing at the form's own rows. */
export function problemsOnForm(problems: FieldProblem[], rowsOf: Record<string, number[]>): FieldProblem[] {
  return problems.map((p) => {
    for (const [group, rows] of Object.entries(rowsOf)) {
      const m = new RegExp(`^${group.replace('.', '\\.')}\\.(\\d+)(\\..*)?$`).exec(p.path);
      if (m) return { ...p, path: `${group}.${rows[Number(m[1])] ?? m[1]}${m[2] ?? ''}` };
    }
    return p;
  });
}

/** An ISO instant as a Warsaw wall-clock `YYYY-MM-DDTHH:MM` (what a datetime-local field shows); anything else as it is. */
export function warsawLocal(iso: string): string {
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return iso;
  const w = toWarsaw(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}`;
}

/** The form's fields for an input (a draft's, as far as it is written): the inverse of inputFromForm. */
export function valuesFromInput(variant: Variant, input: unknown, deadlineKeys: readonly string[]): FormValues {
  const at = (node: unknown, path: string): unknown => path.split('.').reduce<unknown>((n, k) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[k] : undefined), node);
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const values: FormValues = { title: text(at(input, 'title')) };
  for (const prefix of ['coordinator', ...peopleOf[variant]]) for (const f of ['name', 'email', 'language']) values[`${prefix}.${f}`] = text(at(input, `${prefix}.${f}`));
  for (const k of deadlineKeys) values[`deadlines.${k}`] = warsawLocal(text(at(input, `deadlines.${k}`)));
  for (const { group, fields } of rowGroups[variant]) {
    const found = at(input, group);
    const rows = Array.isArray(found) ? found.slice(0, MAX_ROWS) : [];
    values[`_rows.${group}`] = String(Math.max(DEFAULT_ROWS, rows.length));
    rows.forEach((row, i) => {
      for (const f of fields) values[`${group}.${i}.${f}`] = text(at(row, f));
    });
  }
  return values;
}

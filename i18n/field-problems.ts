import type { z } from 'zod';
import type { FieldProblem } from '../domain/domain-error';
import type { Lang } from '../mail/html';
import { messagesFor } from './messages';

// A refused field explained in the reader's language. The schemas keep their English messages for
// the API; their custom checks carry a `reason` (and its values) in the issue's params, and the
// built-in checks are told apart by zod's issue codes.

/** Why `issue` refused its field, as a sentence in `lang`. */
export function problemText(issue: z.core.$ZodIssue, lang: Lang): string {
  const p = messagesFor(lang).problem;
  const field = String(issue.path.at(-1) ?? '');
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'number' ? p.number : p.required;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? p.required : p.tooShort(Number(issue.minimum));
      if (issue.origin === 'number') return p.atLeast(Number(issue.minimum));
      return issue.origin === 'array' ? p.tooFew(Number(issue.minimum)) : p.invalid;
    case 'too_big':
      if (issue.origin === 'string') return p.tooLong(Number(issue.maximum));
      if (issue.origin === 'number') return p.atMost(Number(issue.maximum));
      return issue.origin === 'array' ? p.tooMany(Number(issue.maximum)) : p.invalid;
    case 'invalid_format':
      if (issue.format === 'email') return p.email;
      if (issue.format === 'datetime') return p.dateTime;
      if (issue.format === 'date') return p.date;
      return field === 'key' ? p.unitKey : field === 'code' ? p.serviceCode : p.invalid;
    case 'invalid_union': {
      // A value or a blank (`day.or(z.literal(''))`): the first alternative says what was meant.
      const meant = issue.errors[0]?.[0];
      return meant ? problemText({ ...meant, path: issue.path }, lang) : p.choice;
    }
    case 'invalid_value':
      return p.choice;
    case 'custom':
      return customText(issue.params ?? {}, lang);
    default:
      return p.invalid;
  }
}

function customText(params: Record<string, unknown>, lang: Lang): string {
  const t = messagesFor(lang);
  const value = String(params.value ?? '');
  switch (params.reason) {
    case 'future':
      return t.problem.future;
    case 'deadlineOrder':
      return t.problem.deadlineOrder((t.startForm.deadline as Record<string, string>)[value] ?? value);
    case 'duplicateUnitKey':
      return t.problem.duplicateUnitKey(value);
    case 'duplicateServiceCode':
      return t.problem.duplicateServiceCode(value);
    default:
      return t.problem.invalid;
  }
}

/**
 * Every field's first problem, its message in `lang`: a person fixes a field once (an empty
 * deadline is both not a date and not in the future, and is told one of them).
 */
export function localizedProblems(issues: z.core.$ZodIssue[], lang: Lang): FieldProblem[] {
  const byField = new Map<string, FieldProblem>();
  for (const issue of issues) {
    const path = issue.path.length ? issue.path.join('.') : '(root)';
    if (!byField.has(path)) byField.set(path, { path, message: problemText(issue, lang) });
  }
  return [...byField.values()];
}

/**
 * Every field's first problem as one line in `lang`, under the field's label as the form shows it
 * (`labels`, by the field's path); a field without a label is told by its problem alone.
 */
export const labelledProblems = (issues: z.core.$ZodIssue[], lang: Lang, labels: Record<string, string>): string[] =>
  localizedProblems(issues, lang).map((p) => (Object.hasOwn(labels, p.path) ? `${labels[p.path]}: ${p.message}` : p.message));

// What a person types is text: no control characters but tab and line breaks. PostgreSQL refuses
// NUL in text columns, so a NUL that got past the boundary would fail every retry of the activity
// that writes it and hold its workflow; nothing else in that range belongs in a name or a comment.

// Bidirectional overrides and isolates are refused too: they make text read otherwise than it is
// stored (what an approver signs must be what the trail says).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

/** Half of a UTF-16 surrogate pair without its other half (String.prototype.isWellFormed is ES2024). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `text` without its control characters: what a person meant to type, to show them again. */
export const stripControlCharacters = (text: string): string => text.replace(new RegExp(CONTROL.source, 'g'), '');

/**
 * Whether `text` is plain text: no control characters (tab, line feed and carriage return are
 * text) and well-formed UTF-16 (a lone surrogate cannot be stored: PostgreSQL refuses it in jsonb).
 */
export const isPlainText = (text: string): boolean => !CONTROL.test(text) && !LONE_SURROGATE.test(text);

/** What is wrong with a request part, where: a string that is not plain text, or nesting deeper than any request needs. */
export type Unreadable = { path: string; why: 'not-plain-text' | 'too-deep' };

/** Nesting deeper than this is not something k2flow's forms or API take. */
const MAX_DEPTH = 32;

/**
 * The first place in a parsed request part that k2flow will not read, or null. Buffers (uploaded
 * files) are not text and are skipped.
 */
export function firstUnreadable(value: unknown, path: string[] = [], depth = 0): Unreadable | null {
  const at = (p: string[]) => p.join('.') || '(root)';
  if (typeof value === 'string') return isPlainText(value) ? null : { path: at(path), why: 'not-plain-text' };
  if (!value || typeof value !== 'object' || Buffer.isBuffer(value) || value instanceof Uint8Array) return null;
  if (depth > MAX_DEPTH) return { path: at(path), why: 'too-deep' };
  for (const [key, inner] of Object.entries(value)) {
    if (!isPlainText(key)) return { path: at([...path, '(key)']), why: 'not-plain-text' };
    const found = firstUnreadable(inner, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

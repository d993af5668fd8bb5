// What a person types is text: no control characters but tab and line breaks. PostgreSQL refuses
// NUL in text columns, so a NUL that got past the boundary would fail every retry of the activity
// that writes it and hold its workflow; nothing else in that range belongs in a name or a comment.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** `text` without its control characters: what a person meant to type, to show them again. */
export const stripControlCharacters = (text: string): string => text.replace(new RegExp(CONTROL.source, 'g'), '');

/** Whether `text` is free of control characters (tab, line feed and carriage return are text). */
export const isPlainText = (text: string): boolean => !CONTROL.test(text);

/**
 * The path (`units.0.name`) of the first string in a parsed request part that is not plain text,
 * or null. Buffers (uploaded files) are not text and are skipped; nesting deeper than a request
 * has any reason for is reported at the depth it was cut.
 */
export function firstControlCharacter(value: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof value === 'string') return isPlainText(value) ? null : path.join('.') || '(root)';
  if (!value || typeof value !== 'object' || Buffer.isBuffer(value) || value instanceof Uint8Array) return null;
  if (depth > 32) return path.join('.') || '(root)';
  for (const [key, inner] of Object.entries(value)) {
    if (!isPlainText(key)) return [...path, '(key)'].join('.');
    const found = firstControlCharacter(inner, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
export const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => entities[c]!);

/** Wraps an email body in the minimal document every k2flow email shares. */
export function emailDocument(title: string, bodyHtml: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:sans-serif;max-width:640px">${bodyHtml}` +
    `<p style="color:#666;font-size:12px">Sent by k2flow. This link is personal: do not forward it.</p></body></html>`;
}

export const formatDeadline = (iso: string): string =>
  new Date(iso).toLocaleString('en-GB', { timeZone: 'Europe/Warsaw', dateStyle: 'full', timeStyle: 'short' }) + ' (Warsaw time)';

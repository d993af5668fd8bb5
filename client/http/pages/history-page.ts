import { messagesFor } from '../../../i18n/messages';
import { escapeHtml, formatShortMoment, type Lang } from '../../../mail/html';
import type { ChainVerdict } from '../../../domain/audit-chain';
import { page } from './layout';

export interface HistoryView {
  application: { id: string; title: string; variant: string; status: string; office: string | null };
  audit: Array<{ type: string; actor: string; actorName: string | null; data: unknown; occurredAt: Date; seq: number | null }>;
  /** Null when Temporal could not be reached. */
  workflows: Array<{ workflowId: string; events: Array<{ eventId: number; eventTime: string | null; eventType: string; subject: string | null; attributes?: unknown }> }> | null;
  messages: Array<{ toAddress: string; subject: string; status: string; attempts: number; lastError: string | null; createdAt: Date; sentAt: Date | null }>;
  /** For people who may audit: the chain's check. */
  chain: ChainVerdict | null;
}

interface Entry {
  at: number;
  source: string;
  title: string;
  who: string | null;
  details: unknown;
}

const details = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

/**
 * One application's history on one timeline: its audit records and the Temporal events of its
 * workflows side by side, in order of time, each a `<details>` that opens to what it holds (no
 * scripts needed); every email with its delivery; link opens and refusals; the chain's verdict.
 */
export function historyPage(v: HistoryView, lang: Lang): string {
  const t = messagesFor(lang);
  const h = t.history;
  const app = v.application;
  const short = (workflowId: string) => (workflowId === app.id ? h.application : workflowId.slice(app.id.length + 1));
  const entries: Entry[] = [
    ...v.audit.map((a) => ({ at: a.occurredAt.getTime(), source: `${h.audit}${a.seq ? ` #${a.seq}` : ''}`, title: a.type, who: a.actorName ? `${a.actorName} (${a.actor})` : a.actor, details: a.data })),
    ...(v.workflows ?? []).flatMap((w) =>
      w.events.map((e) => ({ at: e.eventTime ? Date.parse(e.eventTime) : 0, source: `Temporal: ${short(w.workflowId)} #${e.eventId}`, title: `${e.eventType}${e.subject ? ` — ${e.subject}` : ''}`, who: null, details: e.attributes ?? null })),
    ),
  ].sort((a, b) => a.at - b.at);
  const when = (ms: number) => formatShortMoment(new Date(ms).toISOString(), lang, { seconds: true });
  const timeline = entries
    .map(
      (e) =>
        `<li class="${e.source.startsWith('Temporal') ? 'temporal' : 'audit'}"><details><summary><time>${escapeHtml(when(e.at))}</time> · <span class="muted">${escapeHtml(e.source)}</span> · <strong>${escapeHtml(e.title)}</strong>${e.who ? ` · ${escapeHtml(e.who)}` : ''}</summary>${details(e.details)}</details></li>`,
    )
    .join('\n');
  const links = v.audit.filter((a) => a.type === 'link.opened' || a.type === 'link.refused');
  const linkList = links.length
    ? `<ul>${links.map((a) => `<li>${escapeHtml(when(a.occurredAt.getTime()))} · <strong>${escapeHtml(a.type)}</strong> · ${escapeHtml(a.actor)} · ${escapeHtml(JSON.stringify(a.data))}</li>`).join('')}</ul>`
    : `<p>${escapeHtml(h.noLinkActivity)}</p>`;
  const emails = v.messages.length
    ? `<table><thead><tr><th>${escapeHtml(h.to)}</th><th>${escapeHtml(h.subject)}</th><th>${escapeHtml(h.delivery)}</th><th>${escapeHtml(h.queued)}</th><th>${escapeHtml(h.sent)}</th></tr></thead><tbody>${v.messages
        .map(
          (m) =>
            `<tr><td>${escapeHtml(m.toAddress)}</td><td>${escapeHtml(m.subject)}</td><td>${escapeHtml(m.status)}${m.attempts > 1 ? ` (×${m.attempts})` : ''}${m.lastError ? `<br><small>${escapeHtml(m.lastError)}</small>` : ''}</td><td>${escapeHtml(when(m.createdAt.getTime()))}</td><td>${m.sentAt ? escapeHtml(when(m.sentAt.getTime())) : '—'}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : `<p>${escapeHtml(h.noEmails)}</p>`;
  const chain = v.chain
    ? `<p class="${v.chain.intact ? 'chain' : 'chain error'}"><strong>${escapeHtml(v.chain.intact ? h.chainIntact(v.chain.length, v.chain.head ?? '—') : h.chainBroken(v.chain.brokenAt, v.chain.reason))}</strong></p>
<p>${escapeHtml(h.exports)}: <a href="/api/applications/${escapeHtml(encodeURIComponent(app.id))}/evidence.pdf?lang=${lang}">PDF</a> · <a href="/api/applications/${escapeHtml(encodeURIComponent(app.id))}/evidence.json">JSON</a> · <a href="/api/applications/${escapeHtml(encodeURIComponent(app.id))}/evidence.csv">CSV</a></p>`
    : '';
  const other: Lang = lang === 'pl' ? 'en' : 'pl';
  const nav = `<nav class="lang"><a href="/applications?lang=${lang}">${escapeHtml(h.back)}</a> · <a href="?lang=${other}" hreflang="${other}" lang="${other}">${escapeHtml(messagesFor(other).language.name)}</a></nav>`;
  const summary = `<p>${escapeHtml(app.id)} · ${escapeHtml((t.variant as Record<string, string>)[app.variant] ?? app.variant)} · ${escapeHtml((t.applicationStatus as Record<string, string>)[app.status] ?? app.status)} · ${escapeHtml(app.office ?? '—')}</p>`;
  return page(
    app.title,
    `${nav}${summary}${chain}${v.workflows ? '' : `<p class="error">${escapeHtml(h.unavailable)}</p>`}<h2>${escapeHtml(h.timeline)}</h2><p class="muted">${escapeHtml(h.timelineNote)}</p><ol class="timeline">${timeline}</ol><h2>${escapeHtml(h.emails)}</h2>${emails}<h2>${escapeHtml(h.linkActivity)}</h2>${linkList}`,
    lang,
    { wide: true },
  );
}

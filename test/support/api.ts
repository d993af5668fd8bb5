import { expect } from 'vitest';
import type { ReceivedMail } from '../../dev/mailbox';
import type { ApplicationResult } from '../../workflows/engine/state';
import type { Harness } from './harness';

const linkPattern = /https?:\/\/\S+\/approvals\/\S+/;
const hasLink = (mail: ReceivedMail) => linkPattern.test(mail.text);
export const linkIn = (mail: ReceivedMail) => linkPattern.exec(mail.text)![0];

/** Calls the way a browser or the coordinator's tools would: real HTTP against the harness. */
export function apiOf(h: Harness, as: keyof Harness['people'] = 'coordinator') {
  const url = (path: string) => new URL(path, h.baseUrl);
  const bearer = { authorization: `Bearer ${h.people[as].key}` };
  return {
    /** The same calls made as another person. */
    as: (who: keyof Harness['people']) => apiOf(h, who),
    async start(input: unknown, headers: Record<string, string> = {}) {
      const res = await fetch(url('/api/applications'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer, ...headers },
        body: JSON.stringify(input),
      });
      return { status: res.status, body: (await res.json()) as any };
    },
    async startOk(input: unknown): Promise<string> {
      const { status, body } = await this.start(input);
      expect(status, JSON.stringify(body)).toBe(201);
      return body.id as string;
    },
    async getJson(path: string) {
      const res = await fetch(url(path), { headers: bearer });
      return { status: res.status, body: (await res.json()) as any };
    },
    async postJson(path: string, body: unknown) {
      const res = await fetch(url(path), { method: 'POST', headers: { 'content-type': 'application/json', ...bearer }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    },
    /** The approval link in the `nth` (1-based) email carrying one to `email` (among those matching `which`). */
    async linkFor(email: string, nth = 1, which: (mail: ReceivedMail) => boolean = () => true): Promise<string> {
      const mails = await h.mailbox.waitFor(email, nth, undefined, (m) => hasLink(m) && which(m));
      return linkIn(mails[nth - 1]!);
    },
    /** The `nth` email of a kind (by subject) to `email`. */
    async mail(email: string, subject: RegExp, nth = 1) {
      return (await h.mailbox.waitFor(email, nth, 20_000, (m) => subject.test(m.subject)))[nth - 1]!;
    },
    async open(link: string, method: 'GET' | 'HEAD' = 'GET') {
      const res = await fetch(link, { method });
      return { status: res.status, headers: res.headers, html: await res.text() };
    },
    async decide(link: string, decision: string, comment?: string, services: string[] = []) {
      const form = new URLSearchParams({ decision, ...(comment !== undefined ? { comment } : {}) });
      for (const s of services) form.append('services', s);
      const res = await fetch(link, { method: 'POST', body: form });
      return { status: res.status, html: await res.text() };
    },
    /** Decides as a person on the page would: open it, then press a button with what it showed (its documents among them). */
    async decideOnPage(link: string, decision: string, comment?: string) {
      const page = await fetch(link);
      const html = await page.text();
      const documents = /name="documents" value="([^"]*)"/.exec(html)?.[1] ?? '';
      const form = new URLSearchParams({ decision, documents, ...(comment !== undefined ? { comment } : {}) });
      const res = await fetch(link, { method: 'POST', body: form });
      return { status: res.status, html: await res.text() };
    },
    /** Attaches a file to an application (multipart, as a form or `curl -F` sends it). */
    async attach(id: string, file: { name: string; content: Buffer | Uint8Array }, fields: Record<string, string> = {}) {
      const body = new FormData();
      for (const [k, v] of Object.entries(fields)) body.append(k, v);
      body.append('file', new Blob([file.content]), file.name);
      const res = await fetch(url(`/api/applications/${id}/documents`), { method: 'POST', headers: bearer, body });
      return { status: res.status, body: (await res.json()) as any };
    },
    result(id: string): Promise<ApplicationResult> {
      return h.temporal.workflow.getHandle(id).result();
    },
  };
}

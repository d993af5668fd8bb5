// One round: `applications` applications of `units` units each, driven to the end, measured.
import { WorkflowNotFoundError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { ApplicationResult } from '../workflows/engine/state';
import { bareApplicationWorkflow } from './baseline/workflows';
import { bareDecideUpdate, bareParties, bareUnitWorkflowId } from './baseline/messages';
import type { ProcessSample } from './ipc';
import { historyEvents, Limiter, timed } from './measure';
import type { Stack } from './stack';

export type System = 'k2flow' | 'bare';

export interface Size {
  applications: number;
  units: number;
}

export interface RoundResult {
  system: System;
  size: Size;
  seconds: number;
  approvals: number;
  /** k2flow: every POST of an approval page's form (503s included); bare: executeUpdate. Milliseconds. */
  approvalMs: number[];
  /** Requests k2flow answered 503 (Retry-After), which were made again as a person would. */
  unavailable: number;
  /** Approvals answered 202: the workflow accepted the decision but had not written it within k2flow's bound. */
  beingRecorded: number;
  /**
   * Links whose page said the decision was already recorded or a newer link was sent: a retried
   * activity mailed the same request twice. A person has nothing to do there, and neither has the
   * benchmark.
   */
  staleLinks: number;
  historyEvents: number;
  workflows: number;
  worker: { cpuSeconds: number; rssStartBytes: number; peakRssBytes: number };
  /** k2flow's HTTP server; null for the bare baseline, which has none. */
  server: { cpuSeconds: number } | null;
  statements: { server: number; worker: number; postgres: number | null };
}

export interface RoundOptions {
  concurrency: number;
  /** How long a round may take before it is abandoned as stuck. */
  timeoutMs: number;
  /** Where a long round says how far it got, every half minute. */
  log: (line: string) => void;
}

const approvalsPerUnit = bareParties.length;

/** The full path: start through the API, every party through the link in its email, as a browser. */
export async function k2flowRound(stack: Stack, size: Size, options: RoundOptions): Promise<RoundResult> {
  const { server, worker } = stack.k2flow;
  // A key per round: the API allows 600 requests a minute per key, and a round may start more.
  const key = await server.ask<string>({ kind: 'issue-key' });
  const limiter = new Limiter(options.concurrency);
  const tag = randomUUID().slice(0, 8);
  const inputs = Array.from({ length: size.applications }, (_, i) => applicationInput(`${tag}-${i + 1}`, size.units));
  const approvalMs: number[] = [];
  let approvalsMade = 0;
  let unavailable = 0;
  let staleLinks = 0;
  let beingRecorded = 0;
  const abort = new AbortController();
  const { signal } = abort;
  setMaxListeners(0, signal);
  const addresses = new Map<string, string>();
  const addressOf = (email: string) => {
    if (!addresses.has(email)) addresses.set(email, browserAddress(addresses.size + 1));
    return addresses.get(email)!;
  };

  /**
   * A request as a person makes it: k2flow answers 503 with Retry-After when the database or
   * Temporal did not answer in time (e.g. an update not accepted within its bound); the person
   * waits that long and sends it again. Each attempt's answer and duration go to `attempt`.
   */
  const persist = async (send: () => Promise<Response>, attempt: (res: Response, ms: number, body: string) => void = () => {}) => {
    for (let tries = 1; ; tries++) {
      const { ms, value } = await timed(async () => {
        const res = await send();
        return { res, body: await res.text() };
      });
      attempt(value.res, ms, value.body);
      if (value.res.status !== 503 || tries === 10) return value;
      unavailable += 1;
      await sleep(Number(value.res.headers.get('retry-after') ?? 5) * 1000, signal);
    }
  };

  const approve = async (link: string, email: string) => {
    const browser = { 'x-forwarded-for': addressOf(email), 'accept-language': 'en', accept: 'text/html' };
    const page = await persist(() => fetch(link, { headers: browser, signal }));
    if ((page.res.status === 200 && /Decision already recorded/.test(page.body)) || (page.res.status === 410 && /Link expired/.test(page.body))) {
      staleLinks += 1;
      return;
    }
    const action = /<form method="post" action="([^"]+)">/.exec(page.body)?.[1];
    if (page.res.status !== 200 || !action || !/name="decision" value="approve"/.test(page.body)) {
      throw new Error(`The approval page at ${redactLink(link)} answered ${page.res.status} without the decision form.`);
    }
    // Where the browser posts the form: its action, against the page's address.
    const target = new URL(action.replace(/&amp;/g, '&'), link).href;
    // What a browser sends when the Approve button is pressed with the comment left empty.
    const form = new URLSearchParams({ comment: '', decision: 'approve' });
    let retried = false;
    const decided = await persist(
      () => fetch(target, { method: 'POST', headers: { ...browser, 'content-type': 'application/x-www-form-urlencoded' }, body: form, signal }),
      (res, ms) => {
        approvalMs.push(ms);
        retried ||= res.status === 503;
      },
    );
    // 202: accepted by the workflow, not yet written within k2flow's bound; the person is done and
    // gets a receipt. After a 503, the decision may have been recorded after all: the page says so (409).
    const { status } = decided.res;
    if (status !== 200 && status !== 202 && !(retried && status === 409)) throw new Error(`Approving at ${redactLink(link)} answered ${status}.`);
    if (status === 202) beingRecorded += 1;
    approvalsMade += 1;
  };

  const failures: Error[] = [];
  const { seconds, before, after, history } = await measured(stack, worker, server, () => withTimeout(
    abort,
    Promise.all(
      inputs.map(async (input) => {
        const parties = [input.coordinator.email, ...input.units.map((u) => u.approver.email)];
        // A failed approval fails its application at once rather than leaving it to the round's timeout.
        let fail: (error: Error) => void = () => {};
        const failed = new Promise<never>((_, reject) => (fail = reject));
        failed.catch(() => {});
        for (const email of parties) {
          stack.links.watch(email, (link) => {
            limiter.run(() => approve(link, email)).catch((error: Error) => {
              failures.push(error);
              fail(error);
            });
          });
        }
        try {
          const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': `bench-${input.title}` };
          const { res, body: text } = await limiter.run(() => persist(() => fetch(new URL('/api/applications', stack.publicUrl), { method: 'POST', headers, body: JSON.stringify(input), signal })));
          const body = JSON.parse(text) as { id?: string };
          if (res.status > 201 || !body.id) throw new Error(`Starting an application answered ${res.status}: ${text}`);
          const handle = stack.client.workflow.getHandle<() => Promise<ApplicationResult>>(body.id);
          const result = await Promise.race([stack.client.withAbortSignal(signal, () => handle.result()), failed]);
          if (result.status !== 'approved') throw new Error(`Application ${body.id} ended ${result.status}, not approved.`);
          return body.id;
        } finally {
          for (const email of parties) stack.links.forget(email);
        }
      }),
    ),
    options,
    () => `k2flow, ${describe(size)}: ${approvalsMade} of ${size.applications * size.units * approvalsPerUnit} approvals made`,
    () => `The k2flow round of ${describe(size)} did not finish within ${options.timeoutMs / 1000} s (${approvalsMade} approvals made${failures.length ? `; first failure: ${failures[0]!.message}` : ''}).`,
  ));
  return {
    system: 'k2flow',
    size,
    seconds,
    approvals: size.applications * size.units * approvalsPerUnit,
    approvalMs,
    unavailable,
    beingRecorded,
    staleLinks,
    historyEvents: history.events,
    workflows: history.workflows,
    worker: usage(before.worker, after.worker),
    server: { cpuSeconds: usage(before.server!, after.server!).cpuSeconds },
    statements: {
      server: after.server!.statements - before.server!.statements,
      worker: after.worker.statements - before.worker.statements,
      postgres: after.postgres === null || before.postgres === null ? null : after.postgres - before.postgres,
    },
  };
}

/** The bare baseline: the same starts, children and updates straight through the Temporal client. */
export async function bareRound(stack: Stack, size: Size, options: RoundOptions): Promise<RoundResult> {
  const { worker, taskQueue } = stack.bare;
  const limiter = new Limiter(options.concurrency);
  const tag = randomUUID().slice(0, 8);
  const unitKeys = Array.from({ length: size.units }, (_, i) => `unit-${i + 1}`);
  const approvalMs: number[] = [];
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);

  const decide = async (applicationId: string, unitKey: string, party: (typeof bareParties)[number]) => {
    const handle = stack.client.workflow.getHandle(bareUnitWorkflowId(applicationId, unitKey));
    for (;;) {
      try {
        const { ms } = await timed(() => handle.executeUpdate(bareDecideUpdate, { args: [{ party, decision: 'approve' }] }));
        approvalMs.push(ms);
        return;
      } catch (error) {
        // The parent has not started this child yet (k2flow's parties wait for their email instead).
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
      await sleep(10, abort.signal);
    }
  };

  const { seconds, before, after, history } = await measured(stack, worker, null, () => withTimeout(
    abort,
    Promise.all(
      Array.from({ length: size.applications }, (_, i) =>
        stack.client.withAbortSignal(abort.signal, async () => {
          const workflowId = `bare-${tag}-${i + 1}`;
          const handle = await limiter.run(() => stack.client.workflow.start(bareApplicationWorkflow, { taskQueue, workflowId, args: [{ unitKeys }] }));
          await Promise.all(
            unitKeys.map(async (unitKey) => {
              for (const party of bareParties) await limiter.run(() => decide(workflowId, unitKey, party));
            }),
          );
          const result = await handle.result();
          if (result.approvedUnits !== size.units) throw new Error(`Bare application ${workflowId} approved ${result.approvedUnits} of ${size.units} units.`);
          return workflowId;
        }),
      ),
    ),
    options,
    () => `bare, ${describe(size)}: ${approvalMs.length} of ${size.applications * size.units * approvalsPerUnit} updates made`,
    () => `The bare round of ${describe(size)} did not finish within ${options.timeoutMs / 1000} s (${approvalMs.length} updates made).`,
  ));
  return {
    system: 'bare',
    size,
    seconds,
    approvals: size.applications * size.units * approvalsPerUnit,
    approvalMs,
    unavailable: 0,
    beingRecorded: 0,
    staleLinks: 0,
    historyEvents: history.events,
    workflows: history.workflows,
    worker: usage(before.worker, after.worker),
    server: null,
    statements: { server: 0, worker: after.worker.statements - before.worker.statements, postgres: null },
  };
}

export const describe = (size: Size) => `${size.applications} applications × ${size.units} units`;

/** Runs a round's work between two samples of its processes: how long it took and what Temporal stored for the applications it returns. */
async function measured(stack: Stack, worker: Stack['bare']['worker'], server: Stack['k2flow']['server'] | null, work: () => Promise<string[]>) {
  const before = await samples(stack, worker, server);
  const started = performance.now();
  const ids = await work();
  const seconds = (performance.now() - started) / 1000;
  const after = await samples(stack, worker, server);
  return { seconds, before, after, history: await historyEvents(stack.client, ids) };
}

async function samples(stack: Stack, worker: Stack['bare']['worker'], server: Stack['k2flow']['server'] | null) {
  // A new peak starts with every sample: the round's peak is read at its end.
  const [w, s, postgres] = await Promise.all([worker.sample(true), server?.sample(true) ?? null, stack.statementsOnServer?.() ?? null]);
  return { worker: w, server: s, postgres };
}

function usage(before: ProcessSample, after: ProcessSample) {
  return {
    cpuSeconds: (after.cpuUserUs + after.cpuSystemUs - before.cpuUserUs - before.cpuSystemUs) / 1e6,
    rssStartBytes: before.rssBytes,
    peakRssBytes: after.peakRssBytes,
  };
}

/**
 * The round's work, or its first failure, or a timeout. On failure `abort` cancels what is still
 * under way (requests, Temporal calls), so nothing of the round runs on after it.
 */
async function withTimeout<T>(abort: AbortController, work: Promise<T>, { timeoutMs, log }: RoundOptions, progress: () => string, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), timeoutMs)));
  const started = performance.now();
  const ticker = setInterval(() => log(`${progress()} after ${Math.round((performance.now() - started) / 1000)} s`), 30_000);
  try {
    return await Promise.race([work, timeout]);
  } catch (error) {
    abort.abort();
    throw error;
  } finally {
    clearTimeout(timer);
    clearInterval(ticker);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('The round was abandoned.'));
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(new Error('The round was abandoned.'))), { once: true });
  });
}

/** A distinct address per party's browser, 10.0.0.1 onwards. */
const browserAddress = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

const redactLink = (link: string) => link.replace(/\/approvals\/.*/, '/approvals/…');

/** A variant 1 application whose people all have addresses unique to it. Deadlines are a month and more away. */
function applicationInput(tag: string, units: number) {
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  return {
    variant: 'module-in-existing-projects' as const,
    title: `K2 module benchmark ${tag}`,
    coordinator: { name: 'Coordinator', email: `coordinator-${tag}@zit.example.pl`, language: 'en' as const },
    deadlines: { unitConfirmation: inDays(30), coordinatorReview: inDays(40) },
    units: Array.from({ length: units }, (_, i) => ({
      key: `unit-${i + 1}`,
      name: `Vocational School ${i + 1}`,
      projectReference: `RPSL.11.02.01-24-${String(i + 1).padStart(4, '0')}/16`,
      approver: { name: `Director ${i + 1}`, email: `director-${i + 1}-${tag}@school.example.pl`, language: 'en' as const },
    })),
  };
}

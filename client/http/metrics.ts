import { createHash, timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../../db/prisma-client';
import { DomainError } from '../../domain/domain-error';

/**
 * The server's Prometheus metrics (prom-client), in a registry of its own: requests by route
 * pattern and status (never a path: approval tokens travel in paths), their latency, decisions
 * recorded, and, read from the database at each scrape, the outbox's backlog and its emails that
 * failed for good. The worker's own metrics come from the Temporal SDK's exporter (worker/metrics.ts).
 */
export function createServerMetrics(db: Db) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'k2flow_server_' });
  const requests = new Counter({ name: 'k2flow_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status.', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'k2flow_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern.',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const decisions = new Counter({ name: 'k2flow_approvals_recorded_total', help: 'Decisions recorded through approval links, by decision.', labelNames: ['decision'], registers: [registry] });
  const outbox = (name: string, help: string, statuses: string[]) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(await db.outboxMessage.count({ where: { status: { in: statuses } } }));
      },
    });
  outbox('k2flow_outbox_backlog', 'Emails written and not yet sent (queued, being sent or retrying).', ['queued', 'sending', 'retrying']);
  outbox('k2flow_emails_failed', 'Emails the SMTP server refused for good, or retried for too long.', ['failed']);

  return {
    registry,
    observe(method: string, route: string, status: number, seconds: number) {
      requests.inc({ method, route, status: String(status) });
      latency.observe({ method, route }, seconds);
    },
    decisionRecorded: (decision: string) => decisions.inc({ decision }),
  };
}

export type ServerMetrics = ReturnType<typeof createServerMetrics>;

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether a scrape carries the metrics token (K2FLOW_METRICS_TOKEN) as a bearer token: compared
 * as SHA-256 digests in constant time. Without a configured token there are no metrics (404).
 */
export function checkMetricsToken(expected: string | undefined, authorization: string | undefined): void {
  if (!expected) throw new DomainError('NOT_FOUND', 'Metrics are off: set K2FLOW_METRICS_TOKEN to scrape them.');
  const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
  if (!timingSafeEqual(digest(given), digest(expected))) throw new DomainError('UNAUTHENTICATED', 'Scrape the metrics with Authorization: Bearer <K2FLOW_METRICS_TOKEN>.');
}

import { describe, expect, it } from 'vitest';
import { freePort } from '../../dev/free-port';
import { createLogger } from '../../observability/logger';
import { installWorkerRuntime } from '../../worker/runtime';
import { apiOf } from '../support/api';
import { makeInput } from '../support/application-input';
import { useHarness, type Harness } from '../support/harness';

// What Prometheus scrapes: the server's /metrics (with its bearer token) and the worker's metrics
// from the Temporal SDK's own exporter, on real parts. The runtime is the process's: installed
// here, before the harness's worker connects (each test file runs in a process of its own).
const workerMetricsPort = await freePort();
installWorkerRuntime({ logger: createLogger({ name: 'k2flow-test', level: 'warn' }), metricsAddress: `127.0.0.1:${workerMetricsPort}` });

const token = 'k2flow-metrics-token-for-the-tests-0123456789';
let h: Harness;
let api: ReturnType<typeof apiOf>;
useHarness((started) => ({ h, api } = started), () => ({ metricsToken: token }));

const scrape = (authorization?: string) => fetch(new URL('/metrics', h.baseUrl), { headers: authorization ? { authorization } : {} });

describe('metrics', () => {
  it("are scraped from the server with its token: requests by route, decisions, the outbox; never a link's token", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape('Bearer not-the-token')).status).toBe(401);
    const input = makeInput({ units: 1 });
    await api.startOk(input);
    const link = await api.linkFor(input.units[0]!.approver.email);
    expect((await api.decide(link, 'approve')).status).toBe(200);
    const answer = await scrape(`Bearer ${token}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/plain');
    const text = await answer.text();
    expect(text).toMatch(/k2flow_http_requests_total\{method="POST",route="\/approvals\/:token",status="200"\} 1/);
    expect(text).toMatch(/k2flow_http_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/api\/applications"\}/);
    expect(text).toMatch(/k2flow_approvals_recorded_total\{decision="approve"\} 1/);
    expect(text).toMatch(/^k2flow_outbox_backlog \d+$/m);
    expect(text).toMatch(/^k2flow_emails_failed 0$/m);
    expect(text).toContain('k2flow_server_process_cpu_seconds_total');
    expect(text).not.toContain(new URL(link).pathname.split('/').pop()!);
  });

  it("are scraped from the worker through the Temporal SDK's exporter", async () => {
    await expect
      .poll(async () => (await fetch(`http://127.0.0.1:${workerMetricsPort}/metrics`)).text(), { timeout: 20_000 })
      .toMatch(/temporal_worker_task_slots_available\{.*task_queue="test-/);
  });
});

import { createServer, type Server } from 'node:http';
import type { Readiness } from '../observability/readiness';

/**
 * A worker's own health endpoints, for an orchestrator's probes (K2FLOW_WORKER_HEALTH_ADDRESS): a
 * worker serves no HTTP otherwise. `/healthz` answers 200 while the Temporal worker runs (503 once
 * it is stopping or has failed: restart it); `/readyz` asks the database and Temporal (required)
 * and the SMTP server (reported: emails wait in the outbox), as the HTTP server's does.
 */
export async function startWorkerHealthServer({ address, state, readiness }: { address: string; state: () => string; readiness: () => Promise<Readiness> }): Promise<{ url: string; close(): Promise<void> }> {
  const at = address.lastIndexOf(':');
  const [host, port] = [address.slice(0, at), Number(address.slice(at + 1))];
  const server: Server = createServer((request, response) => {
    const reply = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, { error: 'GET only' });
    if (path === '/healthz') {
      const now = state();
      return reply(now === 'RUNNING' ? 200 : 503, { ok: now === 'RUNNING', state: now });
    }
    if (path === '/readyz') {
      void readiness().then(
        (result) => reply(result.ready ? 200 : 503, result),
        () => reply(503, { ready: false }),
      );
      return;
    }
    reply(404, { error: 'GET /healthz or /readyz' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = server.address();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${typeof bound === 'object' && bound ? bound.port : port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a probe's keep-alive connection must not hold the stop
      }),
  };
}

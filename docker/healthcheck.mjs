// The image's health check (Dockerfile HEALTHCHECK, docker-compose.yml): exit 0 healthy, 1 not.
//   node docker/healthcheck.mjs [server|worker]
// Without an argument it checks what the container runs: the command given to the entrypoint,
// read from PID 1's arguments (tini -- /app/docker/entrypoint.sh <command>).
//   server  GET /healthz: the process answers (it never looks at the database or Temporal, so an
//           outage of either does not get a healthy server restarted; /readyz says that).
//   worker  with K2FLOW_WORKER_HEALTH_ADDRESS, GET /healthz there (200 while the worker runs, 503
//           once it stops or fails); else with K2FLOW_WORKER_METRICS_ADDRESS, the Temporal SDK's
//           exporter answers and the worker's pollers are up; without either there is nothing to
//           ask a worker, and the check says healthy as long as the container runs.
//   other   migrate and the CLI run once and exit: healthy.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The route the server's check asks; test/unit/deployment-files.test.ts checks the server has it. */
export const serverHealthPath = '/healthz';

/** The command given to the entrypoint, from a process's NUL-separated arguments; null if none. */
export function commandOf(cmdline) {
  const args = cmdline.split('\0');
  const at = args.findIndex((arg) => arg.endsWith('docker/entrypoint.sh'));
  return at >= 0 && args[at + 1] ? args[at + 1] : null;
}

/** A listening address as one to connect to: 0.0.0.0 and :: are this host. */
const reachable = (host) => (!host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host);

async function get(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(4000) });
  return { ok: response.ok, status: response.status, text: await response.text() };
}

async function check(command, env) {
  if (command === 'server') {
    const url = `http://${reachable(env.HOST)}:${env.PORT || 3000}${serverHealthPath}`;
    const { ok, status } = await get(url);
    return ok ? null : `${url} answered ${status}`;
  }
  if (command === 'worker') {
    const health = env.K2FLOW_WORKER_HEALTH_ADDRESS?.trim();
    if (health) {
      const [, host, port] = /^(.*):(\d+)$/.exec(health) ?? [];
      const url = `http://${reachable(host)}:${port}/healthz`;
      const { ok, status } = await get(url);
      return ok ? null : `${url} answered ${status}`;
    }
    const address = env.K2FLOW_WORKER_METRICS_ADDRESS?.trim();
    if (!address) return null;
    const [, host, port] = /^(.*):(\d+)$/.exec(address) ?? [];
    const url = `http://${reachable(host)}:${port}/metrics`;
    const { ok, status, text } = await get(url);
    if (!ok) return `${url} answered ${status}`;
    // The SDK reports its pollers once the worker polls its task queue.
    const pollers = text.split('\n').filter((line) => line.startsWith('temporal_num_pollers{'));
    return pollers.some((line) => Number(line.split(' ').pop()) > 0) ? null : `the worker has no pollers yet (${url})`;
  }
  return null;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  let command = process.argv[2] ?? null;
  if (!command) {
    try {
      command = commandOf(readFileSync('/proc/1/cmdline', 'utf8'));
    } catch {
      command = null;
    }
  }
  try {
    const problem = await check(command, process.env);
    if (problem) {
      console.error(`unhealthy: ${problem}`);
      process.exit(1);
    }
  } catch (error) {
    console.error(`unhealthy: ${error.cause?.message ?? error.message}`);
    process.exit(1);
  }
}

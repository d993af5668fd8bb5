import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { temporalEnvNames } from '../../client/services/temporal-target';
import { settingNames } from '../../config/app-config';

// What can be checked of the Dockerfile and docker-compose.yml without a Docker engine (our build
// machines have none): their shape, their pins, the settings they give k2flow, the order things
// start in, and the image's health check run against stand-ins. Each check returns the problems it
// finds, so the last tests can show it finding them in broken copies.

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

type Dependencies = string[] | Record<string, { condition?: string }>;
interface Service {
  image?: string;
  build?: string | { context?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, unknown> | string[];
  depends_on?: Dependencies;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: unknown[];
  container_name?: string;
  restart?: string;
}
interface Compose {
  services: Record<string, Service>;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as Compose;
const dockerfile = read('Dockerfile');

/** An image reference pinned to one release: a full version tag (or a digest), never latest, a bare major or major.minor. */
function pinned(reference: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(reference)) return true;
  const [, name = '', tag = ''] = /^(.+?)(?::([^:/]+))?$/.exec(reference) ?? [];
  // PostgreSQL numbers its releases major.minor since 10: 17.9 is one release, 17 a series.
  const release = path.posix.basename(name) === 'postgres' ? /^\d{2,}\.\d+(-[a-z0-9.-]+)?$/ : /^v?\d+\.\d+\.\d+(-[a-z0-9.-]+)?$/;
  return release.test(tag);
}

const words = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(' ') : (value ?? ''));
/** A service's environment as names and values (compose takes a map or a list of NAME=value). */
const envOf = (s: Service): Record<string, string> =>
  Array.isArray(s.environment)
    ? Object.fromEntries(s.environment.map((entry) => [entry.split('=')[0]!, entry.slice(entry.indexOf('=') + 1)]))
    : Object.fromEntries(Object.entries(s.environment ?? {}).map(([name, value]) => [name, String(value)]));
const dependencies = (s: Service): Record<string, string> =>
  Array.isArray(s.depends_on)
    ? Object.fromEntries(s.depends_on.map((name) => [name, 'service_started']))
    : Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([name, d]) => [name, d.condition ?? 'service_started']));
/** k2flow's own services: built from the Dockerfile, run with one of its commands. */
const k2flowServices = (c: Compose) => Object.entries(c.services).filter(([, s]) => s.build !== undefined);
const commandOf = (s: Service) => (Array.isArray(s.command) ? s.command[0] : s.command?.split(/\s+/)[0]);
/** One-shot jobs: what another service waits to complete. */
const oneShots = (c: Compose) => new Set(Object.values(c.services).flatMap((s) => Object.entries(dependencies(s)).filter(([, condition]) => condition === 'service_completed_successfully').map(([name]) => name)));
const adminToolsJobs = (c: Compose, text: RegExp) => Object.entries(c.services).filter(([, s]) => s.image?.startsWith('temporalio/admin-tools:') && text.test(words(s.command)));

const composeChecks: Record<string, (c: Compose) => string[]> = {
  'has PostgreSQL, Temporal and its UI, Mailpit, and k2flow migrate, worker and server': (c) =>
    ['postgres', 'temporal', 'temporal-ui', 'mailpit', 'migrate', 'worker', 'server'].filter((name) => !c.services[name]).map((name) => `no service ${name}`),

  'pins every image to an exact version, and builds k2flow from the Dockerfile': (c) =>
    Object.entries(c.services).flatMap(([name, s]) => {
      if (!s.image) return [`${name} names no image`];
      if (s.build !== undefined) {
        const context = typeof s.build === 'string' ? s.build : s.build.context;
        return [...(context === '.' ? [] : [`${name} is not built from this folder's Dockerfile`]), ...(/:(latest)?$|^[^:]+$/.test(s.image) ? [`${name}'s image ${s.image} is tagged latest`] : [])];
      }
      return pinned(s.image) ? [] : [`${name}'s image ${s.image} is not pinned to an exact version`];
    }),

  "gives k2flow's services only variables their process reads": (c) => {
    const temporal = temporalEnvNames();
    return k2flowServices(c).flatMap(([name, s]) => {
      const command = commandOf(s);
      if (command !== 'migrate' && command !== 'worker' && command !== 'server') return [`${name} runs ${command ?? 'nothing'}, not migrate, worker or server`];
      const reads = new Set([...settingNames[command], ...(command === 'migrate' ? [] : temporal)]);
      return Object.keys(envOf(s))
        .filter((variable) => !reads.has(variable))
        .map((variable) => `${name} (${command}) is given ${variable}, which it does not read`);
    });
  },

  'has a health check on every long-running service': (c) => {
    const once = oneShots(c);
    return Object.entries(c.services)
      .filter(([name]) => !once.has(name))
      .filter(([, s]) => !s.healthcheck?.test || s.healthcheck.disable || words(s.healthcheck.test) === 'NONE')
      .map(([name]) => `${name} runs on but has no health check`);
  },

  'waits on conditions: health for services, success for one-shot jobs': (c) =>
    Object.entries(c.services).flatMap(([name, s]) => {
      const once = oneShots(c);
      return Object.entries(dependencies(s))
        .filter(([dependency, condition]) => condition !== (once.has(dependency) ? 'service_completed_successfully' : 'service_healthy'))
        .map(([dependency, condition]) => `${name} waits for ${dependency} with ${condition}`);
    }),

  'migrates before any worker or server starts, once PostgreSQL is up': (c) => [
    ...(dependencies(c.services.migrate ?? {}).postgres === 'service_healthy' ? [] : ['migrate does not wait for a healthy postgres']),
    ...['worker', 'server'].filter((name) => dependencies(c.services[name] ?? {}).migrate !== 'service_completed_successfully').map((name) => `${name} does not wait for migrate to succeed`),
  ],

  "sets up Temporal's schema with admin-tools before the server, never with auto-setup": (c) => {
    const problems = Object.entries(c.services)
      .filter(([, s]) => s.image?.includes('auto-setup'))
      .map(([name]) => `${name} uses the deprecated auto-setup image`);
    const jobs = adminToolsJobs(c, /temporal-sql-tool/);
    if (!jobs.length) return [...problems, 'no admin-tools job runs temporal-sql-tool'];
    const script = jobs.map(([, s]) => `${words(s.command)} ${Object.entries(envOf(s)).map(([k, v]) => `${k}=${v}`).join(' ')}`).join('\n');
    if (!/SQL_PLUGIN=postgres12\b|--plugin[ =]postgres12\b/.test(script)) problems.push('the schema job does not use the postgres12 plugin');
    for (const db of ['temporal', 'temporal_visibility'])
      for (const step of ['create-database', 'setup-schema', 'update-schema'])
        if (!new RegExp(`--db ${db} ${step}\\b`).test(script)) problems.push(`the schema job does not ${step} for ${db}`);
    if (!jobs.some(([job]) => dependencies(c.services.temporal ?? {})[job] === 'service_completed_successfully')) problems.push('temporal does not wait for the schema job');
    return problems;
  },

  'creates the namespace the worker and the server use before they start': (c) => {
    const jobs = adminToolsJobs(c, /temporal operator namespace create/);
    return ['worker', 'server'].flatMap((name) => {
      const s = c.services[name] ?? {};
      const namespace = envOf(s).TEMPORAL_NAMESPACE ?? 'default';
      const job = jobs.find(([, j]) => new RegExp(`namespace create --namespace ${namespace}\\b`).test(words(j.command)));
      if (!job) return [`no admin-tools job creates the namespace ${namespace} that ${name} uses`];
      return dependencies(s)[job[0]] === 'service_completed_successfully' ? [] : [`${name} does not wait for ${job[0]}`];
    });
  },

  'lets the worker scale (no container name, no host ports)': (c) => [
    ...(c.services.worker?.container_name ? ['worker has a container_name'] : []),
    ...(c.services.worker?.ports?.length ? ['worker publishes ports'] : []),
  ],
};

/** Dockerfile instructions, continuation lines joined, comments left out. */
function instructions(text: string) {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

function stages(text: string) {
  const result: { image: string; name?: string; steps: { keyword: string; args: string }[] }[] = [];
  for (const step of instructions(text)) {
    if (step.keyword === 'FROM') {
      const [image = '', as, name] = step.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      result.push({ image, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), steps: [] });
    } else result.at(-1)?.steps.push(step);
  }
  return result;
}

/** A JSON-array instruction's words, or the shell form as one string. */
const argv = (args: string): string[] => (args.startsWith('[') ? (JSON.parse(args) as string[]) : [args]);
const installs = /\bnpm\s+(ci|install|i|update)\b/;

const dockerfileChecks: Record<string, (text: string) => string[]> = {
  'is multi-stage, every base image pinned to an exact version': (text) => {
    const all = stages(text);
    const names = new Set(all.flatMap((s) => (s.name ? [s.name] : [])));
    return [...(all.length < 2 ? ['it has one stage'] : []), ...all.filter((s) => !names.has(s.image) && !pinned(s.image)).map((s) => `FROM ${s.image} is not pinned to an exact version`)];
  },

  'builds the Prisma client and the workflow bundle, then keeps production packages only': (text) => {
    const build = stages(text).slice(0, -1).flatMap((s) => s.steps.filter((step) => step.keyword === 'RUN').map((step) => step.args)).join('\n');
    const at = (pattern: RegExp) => build.search(pattern);
    const problems = [/\bnpm ci\b/, /\bnpm run generate\b/, /\bnpm run build:workflows\b/, /--omit=dev\b/].filter((p) => at(p) < 0).map((p) => `no build step runs ${p.source}`);
    if (!problems.length && at(/--omit=dev\b/) < at(/\bnpm run build:workflows\b/)) problems.push('production packages are chosen before the workflow bundle is built');
    return problems;
  },

  'runs the final stage as an unprivileged user, installing nothing at start': (text) => {
    const final = stages(text).at(-1)!;
    const user = final.steps.filter((s) => s.keyword === 'USER').at(-1)?.args.split(':')[0];
    const workdir = final.steps.filter((s) => s.keyword === 'WORKDIR').at(-1)?.args ?? '/';
    const starts = final.steps.filter((s) => s.keyword === 'ENTRYPOINT' || s.keyword === 'CMD').flatMap((s) => argv(s.args));
    // Scripts of the image that the start runs (e.g. /app/docker/entrypoint.sh), read from this folder.
    const scripts = starts.map((word) => (word.startsWith(`${workdir}/`) ? word.slice(workdir.length + 1) : word)).filter((file) => /\//.test(file) && existsSync(path.join(root, file)));
    return [
      ...(!user || user === 'root' || user === '0' ? [`the final stage runs as ${user ?? 'root (no USER)'}`] : []),
      ...(starts.length ? [] : ['the final stage has no ENTRYPOINT or CMD']),
      ...(installs.test(starts.join(' ')) ? ['the ENTRYPOINT or CMD installs packages'] : []),
      ...scripts.filter((file) => installs.test(read(file))).map((file) => `${file} installs packages at start`),
      ...(final.steps.some((s) => s.keyword === 'HEALTHCHECK') ? [] : ['the final stage has no HEALTHCHECK']),
      ...(final.steps.some((s) => s.keyword === 'EXPOSE' && /\b3000\b/.test(s.args)) ? [] : ['the final stage does not expose 3000']),
      ...(final.steps.some((s) => s.keyword === 'ENV' && /\bNODE_ENV=production\b/.test(s.args)) ? [] : ['NODE_ENV is not production']),
    ];
  },

  'sets no variable k2flow does not read (NODE_ENV aside)': (text) => {
    const known = new Set(['NODE_ENV', ...settingNames.migrate, ...settingNames.worker, ...settingNames.server]);
    return stages(text)
      .at(-1)!
      .steps.filter((s) => s.keyword === 'ENV')
      .flatMap((s) => s.args.split(/\s+/).map((pair) => pair.split('=')[0]!))
      .filter((name) => !known.has(name))
      .map((name) => `ENV ${name} is not a k2flow setting`);
  },
};

const run = promisify(execFile);
/** Runs a compose health check's command (["CMD", "node", …]) here, against stand-ins; its exit code. */
async function healthCheck(service: Service, env: Record<string, string>): Promise<number> {
  const [form, program, ...args] = Array.isArray(service.healthcheck?.test) ? service.healthcheck.test : [];
  expect([form, program]).toEqual(['CMD', 'node']);
  try {
    await run(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 });
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

/** A stand-in answering every request with `status` and `body`; the paths it was asked. */
async function standIn(status: number, body = '') {
  const asked: string[] = [];
  const server = createServer((request, response) => {
    asked.push(request.url ?? '');
    response.writeHead(status).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, asked, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('docker-compose.yml', () => {
  it.each(Object.entries(composeChecks))('%s', (_name, check) => {
    expect(check(compose)).toEqual([]);
  });

  it("checks the server's health on a route the server has, and fails when it answers an error", async () => {
    const routes = [...read('client/http/server.ts').matchAll(/app\.get\('([^']+)'/g)].map((m) => m[1]);
    const server = compose.services.server!;
    for (const [status, exitCode] of [
      [200, 0],
      [503, 1],
    ] as const) {
      const stand = await standIn(status);
      try {
        expect(await healthCheck(server, { HOST: '0.0.0.0', PORT: String(stand.port) })).toBe(exitCode);
        expect(stand.asked.length).toBeGreaterThan(0);
        for (const asked of stand.asked) expect(routes).toContain(asked);
      } finally {
        await stand.close();
      }
    }
  });

  it('checks a worker through its /healthz: healthy while it runs, not once it stops', async () => {
    const worker = compose.services.worker!;
    expect(envOf(worker).K2FLOW_WORKER_HEALTH_ADDRESS).toMatch(/:\d+$/);
    for (const [status, exitCode] of [
      [200, 0],
      [503, 1],
    ] as const) {
      const stand = await standIn(status, '{}');
      try {
        expect(await healthCheck(worker, { K2FLOW_WORKER_HEALTH_ADDRESS: `0.0.0.0:${stand.port}` })).toBe(exitCode);
        expect(stand.asked).toEqual(['/healthz']);
      } finally {
        await stand.close();
      }
    }
  });

  it("checks a worker without health endpoints through its metrics exporter: healthy once the SDK's pollers are up", async () => {
    const worker = compose.services.worker!;
    expect(envOf(worker).K2FLOW_WORKER_METRICS_ADDRESS).toMatch(/:\d+$/);
    for (const [pollers, exitCode] of [
      [2, 0],
      [0, 1],
    ] as const) {
      const stand = await standIn(200, `# TYPE temporal_num_pollers gauge\ntemporal_num_pollers{poller_type="workflow_task",task_queue="k2flow"} ${pollers}\n`);
      try {
        expect(await healthCheck(worker, { K2FLOW_WORKER_METRICS_ADDRESS: `0.0.0.0:${stand.port}` })).toBe(exitCode);
        expect(stand.asked).toContain('/metrics');
      } finally {
        await stand.close();
      }
    }
  });
});

describe('docker/healthcheck.mjs', () => {
  it("tells without an argument what the container runs, from PID 1's arguments", async () => {
    const { commandOf: command } = (await import(pathToFileURL(path.join(root, 'docker/healthcheck.mjs')).href)) as { commandOf: (cmdline: string) => string | null };
    expect(command('/usr/bin/tini\0--\0/app/docker/entrypoint.sh\0worker\0')).toBe('worker');
    // docker run --init puts its own init in front of the image's entrypoint.
    expect(command('/sbin/docker-init\0--\0/usr/bin/tini\0--\0/app/docker/entrypoint.sh\0server\0')).toBe('server');
    expect(command('/usr/bin/tini\0--\0/app/docker/entrypoint.sh\0')).toBeNull();
    expect(command('/pause\0')).toBeNull();
  });
});

describe('Dockerfile', () => {
  it.each(Object.entries(dockerfileChecks))('%s', (_name, check) => {
    expect(check(dockerfile)).toEqual([]);
  });
});

describe('the checks', () => {
  it('take only exact versions as pinned', () => {
    for (const loose of ['postgres', 'postgres:16', 'postgres:latest', 'temporalio/server:1.31', 'temporalio/ui:2', 'axllent/mailpit:v1.30', 'node:20-bookworm-slim', 'node:20.20-bookworm-slim'])
      expect(pinned(loose), loose).toBe(false);
    for (const exact of ['postgres:17.9-bookworm', 'temporalio/server:1.31.2', 'axllent/mailpit:v1.30.5', 'node:20.20.2-bookworm-slim', `busybox@sha256:${'a'.repeat(64)}`])
      expect(pinned(exact), exact).toBe(true);
  });

  it('find what a broken compose file gets wrong', () => {
    const broken = structuredClone(compose);
    const s = broken.services;
    s.temporal!.image = 'temporalio/auto-setup:1.27';
    delete s['temporal-ui'];
    delete s.worker!.healthcheck;
    s.worker!.container_name = 'worker';
    s.worker!.depends_on = ['temporal', 'postgres'];
    (s.server!.environment as Record<string, string>).MAIL_FROM = 'k2flow <no-reply@office.pl>';
    (s.migrate!.environment as Record<string, string>).TEMPORAL_ADDRESS = 'temporal:7233';
    s.mailpit!.image = 'axllent/mailpit:latest';
    s.extra = { image: 'k2flow:local', build: '.', command: ['sh', '-c', 'npm ci && npm run server'] };
    const problems = Object.values(composeChecks)
      .flatMap((check) => check(broken))
      .join('\n');
    for (const expected of [
      /no service temporal-ui/,
      /temporal's image temporalio\/auto-setup:1\.27 is not pinned/,
      /temporal uses the deprecated auto-setup image/,
      /mailpit's image axllent\/mailpit:latest is not pinned/,
      /worker runs on but has no health check/,
      /worker has a container_name/,
      /worker waits for temporal with service_started/,
      /worker does not wait for migrate to succeed/,
      /migrate \(migrate\) is given TEMPORAL_ADDRESS/,
      /server \(server\) is given MAIL_FROM/,
      /extra runs sh, not migrate, worker or server/,
      /extra runs on but has no health check/,
    ])
      expect(problems).toMatch(expected);
  });

  it('find what a broken Dockerfile gets wrong', () => {
    const broken = 'FROM node:20\nWORKDIR /app\nCOPY . .\nENV NODE_ENV=production DEBUG=1\nCMD ["sh", "-c", "npm ci && npm run worker"]\n';
    const problems = Object.values(dockerfileChecks)
      .flatMap((check) => check(broken))
      .join('\n');
    for (const expected of [/it has one stage/, /FROM node:20 is not pinned/, /no build step runs/, /runs as root/, /installs packages/, /no HEALTHCHECK/, /ENV DEBUG is not a k2flow setting/]) expect(problems).toMatch(expected);
  });
});

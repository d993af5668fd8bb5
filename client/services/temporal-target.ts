import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';

/**
 * Where and how k2flow reaches Temporal: the frontend's address, the namespace, TLS (with a
 * client certificate for mTLS) or none, an API key (Temporal Cloud), extra gRPC headers.
 */
export interface TemporalTarget {
  address: string;
  namespace: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
}

/**
 * The target Temporal's own environment configuration names (`@temporalio/envconfig`: the
 * standard TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, and a profile —
 * TEMPORAL_PROFILE, "default" otherwise — of a `temporal.toml` at TEMPORAL_CONFIG_FILE or the
 * usual place), the same settings the Temporal CLI reads. Null when none names an address (then
 * `npm start` runs its own dev server). A profile that cannot be read stops the start with why.
 */
export function temporalTargetFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalTarget | null {
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: withoutBlanks(env), ...(env.TEMPORAL_PROFILE?.trim() ? { profile: env.TEMPORAL_PROFILE.trim() } : {}) });
  } catch (error) {
    throw new Error(`The Temporal connection settings cannot be read (TEMPORAL_* variables, TEMPORAL_CONFIG_FILE or its profile): ${(error as Error).message}`);
  }
  const { connectionOptions: o, namespace } = loaded;
  if (!o.address?.trim()) return null;
  return {
    address: o.address.trim(),
    namespace: namespace?.trim() || 'default',
    ...(o.tls !== undefined && o.tls !== null ? { tls: o.tls } : {}),
    ...(typeof o.apiKey === 'string' && o.apiKey ? { apiKey: o.apiKey } : {}),
    ...(o.metadata && Object.keys(o.metadata).length ? { metadata: o.metadata as Record<string, string> } : {}),
  };
}

/**
 * The TEMPORAL_* variables Temporal's environment configuration reads, found by handing the library
 * an empty environment that records what is asked of it, so deployment files can be checked
 * against the library rather than a copied list (test/unit/deployment-files.test.ts). Not listed:
 * `TEMPORAL_GRPC_META_<header>`, open-ended names that each add a gRPC header.
 */
export function temporalEnvNames(): string[] {
  const read = new Set<string>();
  const recording = new Proxy<Record<string, string>>(
    {},
    {
      get(_target, key) {
        if (typeof key === 'string') read.add(key);
        return undefined;
      },
    },
  );
  loadClientConnectConfig({ overrideEnvVars: recording });
  return [...read].filter((name) => name.startsWith('TEMPORAL_')).sort();
}

/** Environment variables as strings, a blank one as unset (as everywhere in k2flow's settings). */
const withoutBlanks = (env: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== ''));

/** What a log line may say of a target: never its key or certificates. */
export const describeTarget = (t: TemporalTarget) =>
  `${t.address}, namespace ${t.namespace}${t.tls ? (typeof t.tls === 'object' && t.tls.clientCertPair ? ', mTLS' : ', TLS') : ''}${t.apiKey ? ', API key' : ''}`;

/** The worker's connection options for a target (NativeConnection.connect). */
export const nativeConnectionOptions = ({ address, tls, apiKey, metadata }: TemporalTarget) => ({ address, ...(tls !== undefined ? { tls } : {}), ...(apiKey ? { apiKey } : {}), ...(metadata ? { metadata } : {}) });

/**
 * For a process's start: the connection, or a sentence on stderr saying Temporal cannot be reached
 * and exit code 1 (a container's restart policy then tries again), rather than a stack trace.
 */
export async function connectOrExit<T>(target: TemporalTarget, connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (error) {
    console.error(`Temporal cannot be reached at ${describeTarget(target)}: ${(error as Error).message}`);
    process.exit(1);
  }
}

/** For a process's start: the target, or the reason it cannot be read on stderr and exit code 2. */
export function temporalTargetOrExit(): TemporalTarget | null {
  try {
    return temporalTargetFromEnv();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}

import { NativeConnection } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectTemporalClient } from '../../client/services/temporal-connection';
import { describeTarget, nativeConnectionOptions, temporalTargetFromEnv } from '../../client/services/temporal-target';
import { makeCertificates, startTlsProxy, type Certificates } from '../support/tls-proxy';

// The worker's and the server's connections to Temporal as an operator configures them, through
// Temporal's own settings (TEMPORAL_* variables, a temporal.toml profile): plaintext, TLS, mTLS
// and an API key, against the run's real dev server behind a real TLS handshake.

let certs: Certificates;
let tlsOnly: Awaited<ReturnType<typeof startTlsProxy>>;
let mutual: Awaited<ReturnType<typeof startTlsProxy>>;

beforeAll(async () => {
  certs = await makeCertificates();
  [tlsOnly, mutual] = await Promise.all([startTlsProxy(inject('temporalAddress'), certs, { requireClientCertificate: false }), startTlsProxy(inject('temporalAddress'), certs, { requireClientCertificate: true })]);
});
afterAll(async () => {
  await Promise.all([tlsOnly?.close(), mutual?.close()]);
  await certs?.remove();
});

/** Both of k2flow's connections — the server's client and the worker's — answer a real call through the target the settings name. */
async function bothConnect(env: NodeJS.ProcessEnv) {
  const target = temporalTargetFromEnv(env)!;
  const { client, connection } = await connectTemporalClient(target);
  try {
    const described = await client.workflowService.describeNamespace({ namespace: target.namespace });
    expect(described.namespaceInfo?.name).toBe('default');
  } finally {
    await connection.close();
  }
  const worker = await NativeConnection.connect(nativeConnectionOptions(target));
  try {
    expect((await worker.workflowService.getSystemInfo({})).serverVersion).toBeTruthy();
  } finally {
    await worker.close();
  }
  return target;
}

describe("connecting through Temporal's environment configuration", () => {
  it('names no target without an address (npm start then runs its own dev server), and a plaintext one with it', async () => {
    expect(temporalTargetFromEnv({ TEMPORAL_CONFIG_FILE: path.join(certs.dir, 'none.toml') })).toBeNull();
    const target = await bothConnect({ TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_CONFIG_FILE: path.join(certs.dir, 'none.toml') });
    expect(target.tls).toBeUndefined();
  });

  it('connects with TLS, trusting the CA it is given, and refuses a server it cannot trust', async () => {
    const target = await bothConnect({ TEMPORAL_ADDRESS: tlsOnly.address, TEMPORAL_TLS: 'true', TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.ca, TEMPORAL_TLS_SERVER_NAME: 'localhost' });
    expect(describeTarget(target)).toContain(', TLS');
    // Without the CA the server's certificate is not trusted.
    const untrusted = temporalTargetFromEnv({ TEMPORAL_ADDRESS: tlsOnly.address, TEMPORAL_TLS: 'true', TEMPORAL_TLS_SERVER_NAME: 'localhost' })!;
    await expect(connectTemporalClient(untrusted).then(({ client }) => client.workflowService.getSystemInfo({}))).rejects.toThrow();
  });

  it('connects with mTLS from a temporal.toml profile, and is refused without its client certificate', async () => {
    const file = path.join(certs.dir, 'temporal.toml');
    await writeFile(
      file,
      `[profile.production]\naddress = "${mutual.address}"\nnamespace = "default"\n[profile.production.tls]\nserver_ca_cert_path = "${certs.ca}"\nserver_name = "localhost"\nclient_cert_path = "${certs.clientCert}"\nclient_key_path = "${certs.clientKey}"\n`,
    );
    const target = await bothConnect({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'production' });
    expect(describeTarget(target)).toContain('mTLS');
    const withoutCertificate = temporalTargetFromEnv({ TEMPORAL_ADDRESS: mutual.address, TEMPORAL_TLS: 'true', TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.ca, TEMPORAL_TLS_SERVER_NAME: 'localhost', TEMPORAL_CONFIG_FILE: file })!;
    await expect(NativeConnection.connect(nativeConnectionOptions(withoutCertificate))).rejects.toThrow();
  });

  it('sends an API key over TLS, which it turns on by itself (as for Temporal Cloud), and never names the key', async () => {
    const target = temporalTargetFromEnv({ TEMPORAL_ADDRESS: tlsOnly.address, TEMPORAL_API_KEY: 'k2flow-test-key', TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.ca, TEMPORAL_TLS_SERVER_NAME: 'localhost', TEMPORAL_CONFIG_FILE: path.join(certs.dir, 'none.toml') })!;
    expect(target).toMatchObject({ apiKey: 'k2flow-test-key' });
    expect(target.tls).toBeTruthy();
    expect(describeTarget(target)).not.toContain('k2flow-test-key');
    await bothConnect({ TEMPORAL_ADDRESS: tlsOnly.address, TEMPORAL_API_KEY: 'k2flow-test-key', TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.ca, TEMPORAL_TLS_SERVER_NAME: 'localhost', TEMPORAL_CONFIG_FILE: path.join(certs.dir, 'none.toml') });
  });

  it('stops with a sentence when the profile cannot be read', () => {
    expect(() => temporalTargetFromEnv({ TEMPORAL_CONFIG_FILE: path.join(certs.dir, 'none.toml'), TEMPORAL_PROFILE: 'missing' })).toThrow(/cannot be read/);
  });
});

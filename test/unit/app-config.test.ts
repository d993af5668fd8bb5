import { describe, expect, it } from 'vitest';
import { loadConfig, migrateConfig, serverConfig, workerConfig } from '../../config/app-config';

describe('configuration', () => {
  it('falls back to embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect([config.DATABASE_URL, config.TEMPORAL_ADDRESS, config.SMTP_URL]).toEqual([undefined, undefined, undefined]);
    expect(config).toMatchObject({
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'k2flow',
      PUBLIC_URL: 'http://localhost:3000',
      PORT: 3000,
      TEMPORAL_PORT: 7233,
    });
  });

  it('treats an empty value as unset rather than as zero or an empty address', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ', TEMPORAL_NAMESPACE: '' })).toMatchObject({ PORT: 3000, DATABASE_URL: undefined, TEMPORAL_NAMESPACE: 'default' });
  });

  it('strips a trailing slash from PUBLIC_URL so links never contain //', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://k2.example.pl/' }).PUBLIC_URL).toBe('https://k2.example.pl');
  });

  it('names every bad setting in one error', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', PUBLIC_URL: 'ftp://x' });
    expect(attempt).toThrow(/PORT: must be a port number \(0-65535\), got "eighty"/);
    expect(attempt).toThrow(/PUBLIC_URL: must be an http\(s\) URL/);
  });

  it('reads per process only the settings that process uses', () => {
    const env = { OIDC_ISSUER: 'not a url', PORT: 'eighty', SMTP_URL: 'smtp://mail.example.pl:587', TEMPORAL_ADDRESS: 'temporal:7233' };
    // The worker runs no web server and signs nobody in: their settings cannot stop it.
    expect(loadConfig(env, workerConfig)).toMatchObject({ SMTP_URL: 'smtp://mail.example.pl:587', TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(loadConfig(env, workerConfig)).not.toHaveProperty('PORT');
    expect(() => loadConfig(env, serverConfig)).toThrow(/OIDC_ISSUER: must be an http\(s\) URL/);
    expect(() => loadConfig(env, serverConfig)).toThrow(/PORT: must be a port number/);
    expect(loadConfig({ ...env, DATABASE_URL: 'postgresql://db/k2flow' }, migrateConfig)).toEqual({ DATABASE_URL: 'postgresql://db/k2flow' });
  });

  it("reads the worker's tuning with its defaults, and refuses what is out of bounds", () => {
    expect(loadConfig({}, workerConfig)).toMatchObject({ K2FLOW_WORKER_MAX_ACTIVITIES: 20, K2FLOW_WORKER_MAX_WORKFLOW_TASKS: 40 });
    expect(loadConfig({}, workerConfig).K2FLOW_WORKER_CACHED_WORKFLOWS).toBeUndefined();
    expect(loadConfig({ K2FLOW_WORKER_MAX_ACTIVITIES: '50', K2FLOW_WORKER_CACHED_WORKFLOWS: '0' }, workerConfig)).toMatchObject({ K2FLOW_WORKER_MAX_ACTIVITIES: 50, K2FLOW_WORKER_CACHED_WORKFLOWS: 0 });
    expect(() => loadConfig({ K2FLOW_WORKER_MAX_WORKFLOW_TASKS: '1' }, workerConfig)).toThrow(/K2FLOW_WORKER_MAX_WORKFLOW_TASKS: must be a whole number from 2 to 1000/);
  });

  it('reads the logging, stop, health and versioning settings, and names what is wrong with them', () => {
    expect(loadConfig({}, workerConfig)).toMatchObject({ K2FLOW_LOG_LEVEL: 'info', K2FLOW_SHUTDOWN_TIMEOUT_SECONDS: 30, K2FLOW_WORKER_VERSIONING_BEHAVIOR: 'auto-upgrade' });
    expect(loadConfig({ K2FLOW_WORKER_HEALTH_ADDRESS: '0.0.0.0:3001', K2FLOW_WORKER_DEPLOYMENT_NAME: 'k2flow', K2FLOW_LOG_FORMAT: 'json' }, workerConfig)).toMatchObject({ K2FLOW_WORKER_HEALTH_ADDRESS: '0.0.0.0:3001', K2FLOW_WORKER_DEPLOYMENT_NAME: 'k2flow', K2FLOW_LOG_FORMAT: 'json' });
    const bad = { K2FLOW_LOG_LEVEL: 'verbose', K2FLOW_LOG_FORMAT: 'text', K2FLOW_SHUTDOWN_TIMEOUT_SECONDS: '0', K2FLOW_WORKER_HEALTH_ADDRESS: '127.0.0.1:99999', K2FLOW_WORKER_DEPLOYMENT_NAME: 'has/slash', K2FLOW_WORKER_VERSIONING_BEHAVIOR: 'sticky' };
    const problems = (() => {
      try {
        loadConfig(bad, workerConfig);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const name of Object.keys(bad)) expect(problems).toContain(`${name}: `);
    expect(problems).toMatch(/K2FLOW_WORKER_HEALTH_ADDRESS: must be host:port with a port from 1 to 65535/);
  });

  it('needs a bucket for the S3 document store', () => {
    expect(() => loadConfig({ K2FLOW_DOCUMENT_STORE: 's3' }, serverConfig)).toThrow(/S3_BUCKET: is needed/);
    expect(loadConfig({ K2FLOW_DOCUMENT_STORE: 's3', S3_BUCKET: 'k2flow' }, serverConfig)).toMatchObject({ S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: true, K2FLOW_DOCUMENT_MAX_MB: 25 });
  });
});

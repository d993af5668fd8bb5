import { describe, expect, it } from 'vitest';
import { tracingSettings } from '../../observability/tracing';

describe('tracing settings (the standard OTEL_* variables)', () => {
  it('are off without an OTLP endpoint, or when the SDK or the exporter is switched off', () => {
    expect(tracingSettings({}, 'k2flow-server')).toEqual({ endpoint: undefined, protocol: 'http/protobuf', serviceName: 'k2flow-server' });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, 'k2flow-server').endpoint).toBeUndefined();
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }, 'k2flow-server').endpoint).toBeUndefined();
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }, 'k2flow-server').endpoint).toBeUndefined();
  });

  it('take the endpoint for traces before the general one, OTLP over HTTP in protobuf unless told JSON, and the service name', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'k2flow-worker')).toEqual({ endpoint: 'http://collector:4318', protocol: 'http/protobuf', serviceName: 'k2flow-worker' });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/v1/traces' }, 'k2flow-worker').endpoint).toBe('http://b:4318/v1/traces');
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, 'x').protocol).toBe('http/json');
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }, 'x').protocol).toBe('http/protobuf');
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_SERVICE_NAME: 'k2flow-eu' }, 'k2flow-server').serviceName).toBe('k2flow-eu');
  });

  it('refuse what k2flow cannot send: OTLP over gRPC, another exporter', () => {
    expect(() => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'x')).toThrow(/grpc is not supported.*4318/);
    expect(() => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_TRACES_EXPORTER: 'zipkin' }, 'x')).toThrow(/zipkin is not supported/);
    // An endpoint that is no http(s) URL would fail every export silently; its password is never repeated.
    expect(() => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not-a-url' }, 'x')).toThrow(/must be an http\(s\) URL.*"not-a-url"/);
    expect(() => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://u:hunter2@a:4317' }, 'x')).toThrow(/"grpc:\/\/u:\*\*\*@a:4317"/);
  });
});

/** A small client of the k2flow HTTP API, as the CLI uses it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: { code?: string; message?: string; problems?: Array<{ path: string; message: string }> } },
  ) {
    super(body.error?.message ?? `HTTP ${status}`);
  }
}

export class UnreachableError extends Error {}

export function createApiClient(baseUrl: string) {
  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, baseUrl), {
        method,
        headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (error) {
      throw new UnreachableError(`Cannot reach k2flow at ${baseUrl} (${(error as Error).cause ?? (error as Error).message}). Is it running? Set K2FLOW_URL to its address.`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      throw new ApiError(response.status, { error: { message: `Unexpected answer from ${baseUrl}: ${text.slice(0, 200)}` } });
    }
    if (!response.ok) throw new ApiError(response.status, parsed as ApiError['body']);
    return parsed as T;
  }
  const enc = encodeURIComponent;
  return {
    start: (input: unknown, idempotencyKey?: string) =>
      call<{ id: string }>('POST', '/api/applications', input, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    status: (id: string) => call<Record<string, unknown>>('GET', `/api/applications/${enc(id)}`),
    history: (id: string) => call<Record<string, unknown>>('GET', `/api/applications/${enc(id)}/history`),
    messages: (id: string) =>
      call<{ messages: Array<{ createdAt: string; status: string; attempts: number; toAddress: string; subject: string; lastError: string | null }> }>(
        'GET',
        `/api/applications/${enc(id)}/messages`,
      ),
    resubmit: (id: string, unitKey: string | undefined, note?: string) =>
      call<Record<string, unknown>>('POST', `/api/applications/${enc(id)}${unitKey ? `/units/${enc(unitKey)}` : ''}/resubmit`, note ? { note } : {}),
    extendDeadline: (id: string, unitKey: string | undefined, deadline: string) =>
      call<{ deadline: string }>('POST', `/api/applications/${enc(id)}${unitKey ? `/units/${enc(unitKey)}` : ''}/extend-deadline`, { deadline }),
    proceed: (id: string, unitKey: string | undefined) =>
      call<Record<string, unknown>>('POST', `/api/applications/${enc(id)}${unitKey ? `/units/${enc(unitKey)}` : ''}/proceed`, {}),
    withdraw: (id: string, reason: string) => call<Record<string, unknown>>('POST', `/api/applications/${enc(id)}/withdraw`, { reason }),
    addUnit: (id: string, unit: unknown) => call<Record<string, unknown>>('POST', `/api/applications/${enc(id)}/units`, unit),
    removeUnit: (id: string, unitKey: string, reason: string) =>
      call<Record<string, unknown>>('POST', `/api/applications/${enc(id)}/units/${enc(unitKey)}/remove`, { reason }),
    list: () => call<{ applications: Array<Record<string, unknown>> }>('GET', '/api/applications'),
  };
}

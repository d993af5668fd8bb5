import type { DraftPreview } from '../services/drafts';
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

/** No API key to send: the person has not signed in on this machine. */
export class MissingKeyError extends Error {}

/**
 * Calls the API with an API key, or (`'session'`) as a browser would: keeping the cookies the
 * server sets, which is how `k2flow login` signs in before it asks for a key.
 */
export function createApiClient(baseUrl: string, credential: string | null) {
  const apiKey = credential === 'session' ? null : credential;
  const jar = new Map<string, string>();
  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    if (!credential && path !== '/sign-in') throw new MissingKeyError(`No API key for ${baseUrl}: set K2FLOW_API_KEY, or run \`k2flow login\` once.`);
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    let response: Response;
    try {
      response = await fetch(new URL(path, baseUrl), {
        method,
        headers: {
          accept: 'application/json',
          ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
          ...(cookie ? { cookie } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (error) {
      throw new UnreachableError(`Cannot reach k2flow at ${baseUrl} (${(error as Error).cause ?? (error as Error).message}). Is it running? Set K2FLOW_URL to its address.`);
    }
    if (credential === 'session') {
      for (const set of response.headers.getSetCookie()) {
        const [pair] = set.split(';');
        const at = pair!.indexOf('=');
        jar.set(pair!.slice(0, at).trim(), pair!.slice(at + 1));
      }
    }
    // Downloads come as they are: the audit trail as CSV text, the evidence PDF as bytes.
    const type = response.headers.get('content-type') ?? '';
    if (response.ok && !type.includes('json')) return (type.includes('pdf') ? Buffer.from(await response.arrayBuffer()) : await response.text()) as T;
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
      call<{ messages: Array<{ createdAt: string; status: string; attempts: number; toAddress: string; subject: string; lastError: string | null; nextAttemptAt: string | null }> }>(
        'GET',
        `/api/applications/${enc(id)}/messages`,
      ),
    resubmit: (id: string, unitKey: string | undefined, note?: string, deadline?: string) =>
      call<Record<string, unknown>>('POST', `/api/applications/${enc(id)}${unitKey ? `/units/${enc(unitKey)}` : ''}/resubmit`, { ...(note ? { note } : {}), ...(deadline ? { deadline } : {}) }),
    extendDeadline: (id: string, unitKey: string | undefined, deadline: string) =>
      call<{ deadline: string }>('POST', `/api/applications/${enc(id)}${unitKey ? `/units/${enc(unitKey)}` : ''}/extend-deadline`, { deadline }),
    proceed: (id: string, unitKey: string | undefined) =>
      call<Record<string, unknown>>('POST', `/api/applications/${enc(id)}${unitKey ? `/units/${enc(unitKey)}` : ''}/proceed`, {}),
    withdraw: (id: string, reason: string) => call<Record<string, unknown>>('POST', `/api/applications/${enc(id)}/withdraw`, { reason }),
    addUnit: (id: string, unit: unknown) => call<Record<string, unknown>>('POST', `/api/applications/${enc(id)}/units`, unit),
    removeUnit: (id: string, unitKey: string, reason: string) =>
      call<Record<string, unknown>>('POST', `/api/applications/${enc(id)}/units/${enc(unitKey)}/remove`, { reason }),
    list: () => call<{ applications: Array<Record<string, unknown>> }>('GET', '/api/applications'),
    saveDraft: (input: unknown) => call<{ id: string }>('POST', '/api/drafts', input),
    listDrafts: () => call<{ drafts: Array<{ id: string; title: string; variant: string; updatedAt: string }> }>('GET', '/api/drafts'),
    previewDraft: (id: string) => call<DraftPreview>('GET', `/api/drafts/${enc(id)}/preview`),
    sendDraft: (id: string) => call<{ id: string; draftId: string }>('POST', `/api/drafts/${enc(id)}/send`, {}),
    evidence: (id: string) => call<Record<string, unknown>>('GET', `/api/applications/${enc(id)}/evidence.json`),
    auditCsv: (id: string) => call<string>('GET', `/api/applications/${enc(id)}/evidence.csv`),
    evidencePdf: (id: string, lang: 'pl' | 'en') => call<Buffer>('GET', `/api/applications/${enc(id)}/evidence.pdf?lang=${lang}`),
    verifyTrail: (id: string) =>
      call<{ intact: boolean; length: number; head: string | null; brokenAt?: number; reason?: string }>('GET', `/api/applications/${enc(id)}/audit/verify`),
    signIn: (email: string, password: string) => call<{ signedIn: true }>('POST', '/sign-in', { email, password }),
    /** Ends the session, or revokes the API key this client sends. */
    signOut: (headers: Record<string, string> = {}) => call<Record<string, unknown>>('POST', '/sign-out', {}, headers),
    session: () => call<{ user: { email: string; role: string; office: string | null }; csrfToken: string | null }>('GET', '/api/session'),
    issueKey: (name: string, headers: Record<string, string> = {}) => call<{ key: { id: string; key: string } }>('POST', '/api/keys', { name }, headers),
    listKeys: () => call<{ keys: Array<{ id: string; name: string | null; start: string | null; revoked: boolean; lastUsedAt: string | null; createdAt: string }> }>('GET', '/api/keys'),
    revokeKey: (keyId: string) => call<Record<string, unknown>>('POST', `/api/keys/${enc(keyId)}/revoke`, {}),
  };
}

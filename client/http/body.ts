import type { IncomingMessage } from 'node:http';
import { DomainError } from '../../domain/domain-error';

async function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new DomainError('VALIDATION', `The request body exceeds ${limitBytes} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const mediaType = (req: IncomingMessage) => (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

export async function readJson(req: IncomingMessage, limitBytes = 1_000_000): Promise<unknown> {
  if (mediaType(req) !== 'application/json') {
    throw new DomainError('VALIDATION', 'Send the request body as JSON with Content-Type: application/json.');
  }
  const text = await readBody(req, limitBytes);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DomainError('VALIDATION', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** A urlencoded form; fields named in `lists` (checkbox groups) come back as arrays. */
export async function readForm(req: IncomingMessage, lists: string[] = [], limitBytes = 32_000): Promise<Record<string, string | string[]>> {
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    throw new DomainError('VALIDATION', 'Submit the decision with the form on the approval page.');
  }
  const params = new URLSearchParams(await readBody(req, limitBytes));
  const form: Record<string, string | string[]> = Object.fromEntries(params);
  for (const name of lists) form[name] = params.getAll(name);
  return form;
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An approval link's credential: `<id>.<secret>`. The id is a random public handle used to find
 * the stored row (so lookups leak nothing about the secret); the 256-bit secret is never stored,
 * only its SHA-256, and is compared in constant time.
 */
export interface IssuedToken {
  id: string;
  token: string;
  secretHash: string;
}

const ID_BYTES = 16;
const SECRET_BYTES = 32;
const tokenPattern = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export function issueApprovalToken(): IssuedToken {
  const id = randomBytes(ID_BYTES).toString('base64url');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { id, token: `${id}.${secret}`, secretHash: hashSecret(secret) };
}

/** Splits a presented token; null when it cannot be one of ours (nothing to look up). */
export function parseApprovalToken(token: string): { id: string; secret: string } | null {
  const match = tokenPattern.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

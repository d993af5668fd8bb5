import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueApprovalToken, parseApprovalToken, secretMatches } from '../../auth/approval-token';

describe('approval tokens', () => {
  it('carry a 128-bit public id and a 256-bit secret, and expose only the secret hash for storage', () => {
    const issued = issueApprovalToken();
    const parsed = parseApprovalToken(issued.token)!;
    expect(parsed.id).toBe(issued.id);
    expect(Buffer.from(parsed.id, 'base64url')).toHaveLength(16);
    expect(Buffer.from(parsed.secret, 'base64url')).toHaveLength(32);
    expect(issued.secretHash).toBe(createHash('sha256').update(parsed.secret).digest('hex'));
    expect(issued.secretHash).not.toContain(parsed.secret);
  });

  it('are never issued twice', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => issueApprovalToken().token));
    expect(tokens.size).toBe(1000);
  });

  it('match only their own secret', () => {
    const a = issueApprovalToken();
    const b = issueApprovalToken();
    expect(secretMatches(parseApprovalToken(a.token)!.secret, a.secretHash)).toBe(true);
    expect(secretMatches(parseApprovalToken(b.token)!.secret, a.secretHash)).toBe(false);
    expect(secretMatches(parseApprovalToken(a.token)!.secret, 'deadbeef')).toBe(false);
  });

  it.each(['', 'abc', 'a.b', `${'A'.repeat(22)}.${'B'.repeat(42)}`, `${'A'.repeat(22)}.${'B'.repeat(43)}.x`, `${'A'.repeat(22)}.${'B'.repeat(42)}=`])(
    'refuse to parse the malformed token %j',
    (token) => {
      expect(parseApprovalToken(token)).toBeNull();
    },
  );
});

import { describe, expect, it } from 'vitest';
import { canonicalJson, hashRecord, verifyChain, type ChainedRecord } from '../../domain/audit-chain';

function chain(n: number): ChainedRecord[] {
  const records: ChainedRecord[] = [];
  let prev: string | null = null;
  for (let seq = 1; seq <= n; seq++) {
    const content = { applicationId: 'app-1', seq, idempotencyKey: `k${seq}`, type: 'approval.decided', actor: 'system', data: { n: seq, nested: { b: 1, a: [2, 1] } }, occurredAt: new Date(Date.UTC(2026, 10, 24, 0, 0, seq)).toISOString() };
    const hash = hashRecord(prev, content);
    records.push({ ...content, prevHash: prev, hash });
    prev = hash;
  }
  return records;
}

describe('the audit hash chain', () => {
  it('canonicalises JSON by sorted keys at every level, as JSON itself would convert it', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: new Date(0) } })).toBe('{"a":{"c":"1970-01-01T00:00:00.000Z"},"b":1}');
  });

  it('holds for an untouched trail, in any order, and names its head', () => {
    const records = chain(5);
    expect(verifyChain([...records].reverse(), records[4]!.hash)).toEqual({ intact: true, length: 5, head: records[4]!.hash });
    expect(verifyChain([], null)).toEqual({ intact: true, length: 0, head: null });
  });

  it('names the first record that was altered, removed or put out of place', () => {
    const altered = chain(5);
    altered[2] = { ...altered[2]!, data: { n: 99 } };
    expect(verifyChain(altered)).toMatchObject({ intact: false, brokenAt: 3, reason: expect.stringContaining('was altered') });

    const removed = chain(5).filter((r) => r.seq !== 3);
    expect(verifyChain(removed)).toMatchObject({ intact: false, brokenAt: 4, reason: expect.stringContaining('record 3 is missing') });

    const renumbered = chain(5).filter((r) => r.seq !== 3).map((r, i) => ({ ...r, seq: i + 1 }));
    expect(verifyChain(renumbered)).toMatchObject({ intact: false, brokenAt: 3 });

    const truncated = chain(5).slice(0, 4);
    expect(verifyChain(truncated, chain(5)[4]!.hash)).toMatchObject({ intact: false, reason: expect.stringContaining('not at the stated head') });
  });
});

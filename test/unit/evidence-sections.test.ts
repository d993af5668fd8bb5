import { describe, expect, it } from 'vitest';
import { MAX_DIFFERENCES, sectionDifferences } from '../../client/services/evidence-sections';

// Comparing an export's sections with the database's is plain JSON against plain JSON.

describe("an export's sections against the database's", () => {
  it('names each value that differs by its path, and nothing where only the order of keys differs', () => {
    const database = { application: { id: 'a', title: 'Tytuł', input: { x: 1, y: 2 } }, requests: [{ status: 'rejected' }], documents: [], messages: [] };
    const exported = { application: { input: { y: 2, x: 1 }, title: 'Inny', id: 'a' }, requests: [{ status: 'approved' }, { status: 'pending' }], documents: [] };
    expect(sectionDifferences(exported, database)).toEqual([
      { path: 'application.title', exported: '"Inny"', database: '"Tytuł"' },
      { path: 'requests[0].status', exported: '"approved"', database: '"rejected"' },
      { path: 'requests[1]', exported: '{"status":"pending"}', database: undefined },
      { path: 'messages', exported: undefined, database: '[]' },
    ]);
    expect(sectionDifferences(database, structuredClone(database))).toEqual([]);
  });

  it("reads a file's odd keys as its own and stops listing at the limit", () => {
    const exported = JSON.parse('{"application": {"__proto__": {"forged": true}, "odd key": 1}}');
    expect(sectionDifferences(exported, { application: {} }).map((d) => d.path)).toEqual(['application.__proto__', 'application["odd key"]']);
    const many = { requests: Array.from({ length: 100 }, (_, i) => i) };
    expect(sectionDifferences(many, { requests: [] })).toHaveLength(MAX_DIFFERENCES);
  });
});

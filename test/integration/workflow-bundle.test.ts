import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkWorkflowBundle, defaultBundlePath, ensureWorkflowBundle, prebuiltWorkflowBundle } from '../../worker/workflow-bundle';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * A small workflows module of its own, so that editing its inputs leaves the real one alone:
 * index.ts imports helper.ts from another folder, and types.ts as types only.
 */
let dir: string;
let location: { workflowsPath: string; bundlePath: string };
const file = (name: string) => path.join(dir, name);
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'k2flow-bundle-test-'));
  await symlink(path.join(root, 'node_modules'), file('node_modules'), 'dir'); // @temporalio/workflow for the bundler
  await mkdir(file('workflows'));
  await mkdir(file('shared'));
  await writeFile(file('shared/helper.ts'), `export const greeting = (name: string) => 'Hello, ' + name;\n`);
  await writeFile(file('shared/types.ts'), `export interface Person { name: string }\n`);
  await writeFile(file('shared/unrelated.ts'), `export const unused = 1;\n`);
  await writeFile(
    file('workflows/index.ts'),
    `import { greeting } from '../shared/helper';\nimport type { Person } from '../shared/types';\nexport async function greet(p: Person): Promise<string> { return greeting(p.name); }\n`,
  );
  location = { workflowsPath: file('workflows/index.ts'), bundlePath: file('dist/workflow-bundle.js') };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the prebuilt workflow bundle', () => {
  it('is built when missing, reused while its inputs are unchanged, and rebuilt when one changes', async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    expect(await checkWorkflowBundle(location)).toEqual({ fresh: false, reason: 'missing' });
    await expect(prebuiltWorkflowBundle(location)).rejects.toThrow(/is missing: run `npm run build:workflows`/);

    expect(await ensureWorkflowBundle({ ...location, log })).toEqual({ codePath: location.bundlePath, built: true });
    expect(lines).toEqual([expect.stringMatching(/workflow-bundle\.js is missing; building it/)]);
    const manifest = JSON.parse(await readFile(file('dist/workflow-bundle.json'), 'utf8')) as { inputs: Record<string, string> };
    // The inputs are the import graph: helper.ts yes; a type-only import and an unimported file no.
    const inputs = Object.keys(manifest.inputs);
    expect(inputs).toEqual(expect.arrayContaining(['../workflows/index.ts', '../shared/helper.ts']));
    expect(inputs.some((f) => f.includes('@temporalio/workflow/'))).toBe(true);
    expect(inputs).not.toContain('../shared/types.ts');
    expect(inputs).not.toContain('../shared/unrelated.ts');
    const firstBuild = (await stat(location.bundlePath)).mtimeMs;

    // Files outside the graph change: still fresh, and reused without a build.
    await writeFile(file('shared/unrelated.ts'), `export const unused = 2;\n`);
    await writeFile(file('shared/types.ts'), `export interface Person { name: string; email?: string }\n`);
    expect(await checkWorkflowBundle(location)).toMatchObject({ fresh: true });
    expect(await ensureWorkflowBundle({ ...location, log })).toEqual({ codePath: location.bundlePath, built: false });
    expect(await prebuiltWorkflowBundle(location)).toMatchObject({ codePath: location.bundlePath });
    expect((await stat(location.bundlePath)).mtimeMs).toBe(firstBuild);
    expect(lines).toHaveLength(1);

    // An input changes: stale, named, and refused by a standalone worker until rebuilt.
    await writeFile(file('shared/helper.ts'), `export const greeting = (name: string) => 'Hi, ' + name;\n`);
    expect(await checkWorkflowBundle(location)).toEqual({ fresh: false, reason: `stale (${path.relative(process.cwd(), file('shared/helper.ts'))} changed since it was built)` });
    await expect(prebuiltWorkflowBundle(location)).rejects.toThrow(/is stale \(.*helper\.ts changed since it was built\): run `npm run build:workflows`/);
    expect(await ensureWorkflowBundle({ ...location, log })).toMatchObject({ built: true });
    expect(lines[1]).toMatch(/is stale \(.*helper\.ts changed since it was built\); building it/);
    expect((await stat(location.bundlePath)).mtimeMs).toBeGreaterThan(firstBuild);
    expect(await readFile(location.bundlePath, 'utf8')).toContain("'Hi, '");
    expect(await checkWorkflowBundle(location)).toMatchObject({ fresh: true });

    // A bundle that is not the one its manifest describes is stale too.
    await writeFile(location.bundlePath, (await readFile(location.bundlePath, 'utf8')) + '\n// edited by hand\n');
    expect(await checkWorkflowBundle(location)).toEqual({ fresh: false, reason: 'stale (the bundle does not match its manifest)' });
  }, 60_000);

  it('is what the test workers load, and fresh: the same file `npm run worker` starts from', async () => {
    expect(inject('workflowBundlePath')).toBe(defaultBundlePath);
    expect(await checkWorkflowBundle()).toMatchObject({ fresh: true });
  });
});

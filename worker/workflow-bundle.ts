// The one place that bundles workflow code. `npm run build:workflows` writes the bundle once, with
// a manifest beside it; workers load it (`workflowBundle: { codePath }`) instead of running webpack
// at every start, which made each restart, and so each crash recovery, take seconds longer.
import { bundleWorkflowCode, type Logger } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const projectRoot = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

/** The module whose exported functions are the workflow types. */
export const workflowsPath = require.resolve('../workflows/index.ts');
/**
 * Workflow interceptors in every bundle, whether or not a worker traces: OpenTelemetry's, behind a
 * patch (observability/workflow-interceptors.ts). They are workflow code, which every worker must replay alike.
 */
export const workflowInterceptorModules = [require.resolve('../observability/workflow-interceptors.ts')];
/** Where `npm run build:workflows` writes the bundle (gitignored); its manifest is `workflow-bundle.json` beside it. */
export const defaultBundlePath = path.join(projectRoot, 'dist', 'workflow-bundle.js');

/** Bumped when the manifest's shape changes, so an old manifest reads as stale, never as wrong. */
const MANIFEST_FORMAT = 1;

interface Manifest {
  format: number;
  /** The workflows module, relative to the bundle's folder. */
  workflowsPath: string;
  /** SHA-256 of all inputs together: one line in logs tells two bundles apart. */
  inputsHash: string;
  /** SHA-256 of the bundle itself, so a bundle and a manifest from different builds disagree. */
  codeHash: string;
  /** Every file the bundle was built from (relative to the bundle's folder) and its SHA-256. */
  inputs: Record<string, string>;
}

export interface BundleLocation {
  workflowsPath?: string;
  bundlePath?: string;
}

export interface BundleBuild extends BundleLocation {
  /** k2flow's own by default; the benchmark's bare baseline is bundled with none. */
  interceptorModules?: string[];
}

export type BundleState = { fresh: true; inputsHash: string } | { fresh: false; reason: string };

const manifestPathOf = (bundlePath: string) => bundlePath.replace(/\.js$/, '') + '.json';
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const show = (file: string) => path.relative(process.cwd(), file) || file;

/**
 * Bundles the workflows and writes the bundle with its manifest. The inputs are not a guess at
 * folders: they are the files webpack read, i.e. the workflows module's import graph (type-only
 * imports excluded, packages under node_modules included), plus the bundler's own version and
 * this module, whose options shape the bundle.
 */
export async function buildWorkflowBundle({ workflowsPath: entry = workflowsPath, bundlePath = defaultBundlePath, interceptorModules = workflowInterceptorModules }: BundleBuild = {}) {
  const started = Date.now();
  let read: string[] = [];
  const { code } = await bundleWorkflowCode({
    workflowsPath: entry,
    workflowInterceptorModules: interceptorModules,
    logger: quietLogger,
    webpackConfigHook: (config) => ({
      ...config,
      plugins: [
        ...(config.plugins ?? []),
        {
          apply(compiler) {
            compiler.hooks.done.tap('k2flow-bundle-inputs', (stats) => {
              read = [...stats.compilation.fileDependencies];
            });
          },
        },
      ],
    }),
  });
  // fileDependencies also names folders and the bundler's in-memory entry point: files on disk only.
  const files = [...new Set([...read, require.resolve('@temporalio/worker/package.json'), import.meta.filename])]
    .filter((file) => existsSync(file) && statSync(file).isFile())
    .sort();
  const dir = path.dirname(bundlePath);
  const inputs: Record<string, string> = {};
  for (const file of files) inputs[path.relative(dir, file)] = sha256(await readFile(file));
  // A file saved while webpack ran or we hashed may be in the bundle in another version than the
  // one hashed: let the next check rebuild. (Times are whole milliseconds, rounded down, hence +1;
  // a file dated in the future, as from an archive made on a clock ahead, is left alone.)
  const finished = Date.now();
  for (const file of files) {
    const saved = statSync(file).mtimeMs;
    if (saved >= started + 1 && saved < finished + 1) inputs[path.relative(dir, file)] = 'changed-during-build';
  }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    workflowsPath: path.relative(dir, entry),
    inputsHash: inputsHashOf(inputs),
    codeHash: sha256(code),
    inputs,
  };
  await mkdir(dir, { recursive: true });
  // Written aside, then renamed: a worker starting meanwhile reads a whole file, old or new.
  const tmp = `.${process.pid}.tmp`;
  await writeFile(bundlePath + tmp, code);
  await rename(bundlePath + tmp, bundlePath);
  await writeFile(manifestPathOf(bundlePath) + tmp, JSON.stringify(manifest, null, 2) + '\n');
  await rename(manifestPathOf(bundlePath) + tmp, manifestPathOf(bundlePath));
  return { bundlePath, inputsHash: manifest.inputsHash, inputs: files.length, bytes: code.length, ms: Date.now() - started };
}

/** Whether the bundle at `bundlePath` was built from the files as they are now; if not, why. */
export async function checkWorkflowBundle({ workflowsPath: entry = workflowsPath, bundlePath = defaultBundlePath }: BundleLocation = {}): Promise<BundleState> {
  const dir = path.dirname(bundlePath);
  let text: string;
  let code: Buffer;
  try {
    [text, code] = await Promise.all([readFile(manifestPathOf(bundlePath), 'utf8'), readFile(bundlePath)]);
  } catch {
    return { fresh: false, reason: 'missing' };
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch {
    return { fresh: false, reason: 'stale (its manifest is unreadable)' };
  }
  if (manifest.format !== MANIFEST_FORMAT || !manifest.inputs) return { fresh: false, reason: 'stale (written by an older build script)' };
  if (path.resolve(dir, manifest.workflowsPath) !== path.resolve(entry)) return { fresh: false, reason: `stale (built from ${show(path.resolve(dir, manifest.workflowsPath))})` };
  if (sha256(code) !== manifest.codeHash) return { fresh: false, reason: 'stale (the bundle does not match its manifest)' };
  const changed = (
    await Promise.all(
      Object.entries(manifest.inputs).map(async ([file, hash]) => {
        const current = await readFile(path.resolve(dir, file)).then(sha256, () => 'removed');
        return current === hash ? null : show(path.resolve(dir, file));
      }),
    )
  ).filter((file) => file !== null);
  if (changed.length) {
    const named = changed.slice(0, 3).join(', ') + (changed.length > 3 ? ` and ${changed.length - 3} more` : '');
    return { fresh: false, reason: `stale (${named} changed since it was built)` };
  }
  return { fresh: true, inputsHash: manifest.inputsHash };
}

/** For `npm start` and the tests: the bundle's path, built first (said in one line) when missing or stale. */
export async function ensureWorkflowBundle({ log = console.log, ...location }: BundleLocation & { log?: (line: string) => void } = {}) {
  const bundlePath = location.bundlePath ?? defaultBundlePath;
  const state = await checkWorkflowBundle(location);
  if (state.fresh) return { codePath: bundlePath, built: false };
  log(`workflow bundle ${show(bundlePath)} is ${state.reason}; building it...`);
  await buildWorkflowBundle(location);
  return { codePath: bundlePath, built: true };
}

/**
 * For a standalone worker (`npm run worker`): the prebuilt bundle, or an error that says how to
 * build it. A worker never bundles on its own: that is the slow start this module exists to avoid,
 * and a restarted worker must not quietly run workflow code other than what was deployed.
 */
export async function prebuiltWorkflowBundle(location: BundleLocation = {}) {
  const bundlePath = location.bundlePath ?? defaultBundlePath;
  const state = await checkWorkflowBundle(location);
  if (!state.fresh) throw new Error(`The workflow bundle ${show(bundlePath)} is ${state.reason}: run \`npm run build:workflows\` before starting workers.`);
  return { codePath: bundlePath, inputsHash: state.inputsHash };
}

function inputsHashOf(inputs: Record<string, string>): string {
  return sha256(Object.entries(inputs).map(([file, hash]) => `${file}\0${hash}\n`).join(''));
}

/** webpack's statistics go to debug; warnings and errors still show. */
const quietLogger: Logger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const built = await buildWorkflowBundle();
  console.log(
    `Workflow bundle written to ${show(built.bundlePath)} (${(built.bytes / 1e6).toFixed(1)} MB from ${built.inputs} files, inputs ${built.inputsHash.slice(0, 12)}) in ${(built.ms / 1000).toFixed(1)} s.`,
  );
}

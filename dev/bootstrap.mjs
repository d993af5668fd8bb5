// Entry of `npm start` and `npm test`. Plain JavaScript with no dependencies, so that on a fresh
// clone it can install them before anything that needs them runs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const [task, ...args] = process.argv.slice(2);

function ensureDependencies() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('[k2flow] Installing npm packages (npm ci)...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Runs a child to completion; Ctrl-C reaches it through the terminal, and we wait for it to stop. */
function run(command, commandArgs) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' });
    const ignore = () => {};
    process.on('SIGINT', ignore);
    process.on('SIGTERM', () => child.kill('SIGTERM'));
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const node = process.execPath;
ensureDependencies();
let code;
if (task === 'start') {
  code = await run(node, ['--import', 'tsx', 'dev/start.ts', ...args]);
} else if (task === 'test') {
  code = await run(node, ['--import', 'tsx', 'dev/prepare.ts']);
  if (code === 0) code = await run(node, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...args]);
} else {
  console.error(`usage: node dev/bootstrap.mjs start|test [args]`);
  code = 2;
}
process.exit(code);

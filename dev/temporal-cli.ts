import path from 'node:path';
import { resolveGoTool } from './go-tool';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
const projectRoot = path.resolve(import.meta.dirname, '..');
/** Project-local install folder for the CLI (git-ignored). */
export const localCliPath = path.join(projectRoot, '.temporal', 'bin', 'temporal');

/**
 * Finds the Temporal CLI: TEMPORAL_CLI_PATH, `temporal` on PATH, the project-local install;
 * otherwise builds it with `go install` into the project. Returns null only when there is no Go
 * either: the caller lets the SDK download it.
 */
export const resolveTemporalCli = (log: (line: string) => void = console.log) =>
  resolveGoTool({ title: 'the Temporal CLI', command: 'temporal', module: TEMPORAL_CLI_MODULE, pathVariable: 'TEMPORAL_CLI_PATH', folder: path.dirname(localCliPath), takeFromPath: true }, log);

// `npm start`: prepare what is missing, then run the whole system (see dev/run-stack.ts).
import { prepare } from './prepare';

const prepared = await prepare((line) => console.log(`[k2flow] ${line}`));
// Imported only now: the stack needs the Prisma client that prepare() has just generated.
const { runStack } = await import('./run-stack');
try {
  await runStack(prepared);
  process.exit(0);
} catch (error) {
  console.error(`[k2flow] could not start: ${(error as Error).message}`);
  process.exit(1);
}

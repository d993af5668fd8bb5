// `npm run migrate`: applies prisma/migrations to DATABASE_URL without Prisma's native engine.
import { loadConfigOrExit, migrateConfig } from '../config/app-config';
import { migrate } from './migrate';

const { DATABASE_URL } = loadConfigOrExit(migrateConfig);
if (!DATABASE_URL) {
  console.error('DATABASE_URL is not set: nothing to migrate. (npm start migrates its embedded database itself.)');
  process.exit(2);
}
try {
  const { applied, alreadyApplied } = await migrate(DATABASE_URL, { log: (l) => console.log(l) });
  console.log(`${applied.length} migration(s) applied, ${alreadyApplied.length} already up to date.`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

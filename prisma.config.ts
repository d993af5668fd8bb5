// Prisma CLI configuration. Runtime code never reads this: the app builds its client from the
// parsed config (see db/prisma-client.ts). `prisma generate` needs no database URL.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});

# syntax=docker/dockerfile:1
# One image for k2flow's worker, HTTP server and migrations (README "Operations", "Images"):
#   docker build -t k2flow .
#   docker run … k2flow migrate | worker | server      (and `k2flow <cli arguments>`)
# The image was not built on our build machines, which have no Docker engine; what was run
# instead is in the README. test/unit/deployment-files.test.ts checks this file's shape.

# ---- build: every package, the Prisma client, the workflow bundle; then production packages only
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No scripts: the postinstall (prisma generate) needs the sources, which come next; none of the
# packages' own install scripts is needed (native parts come as platform packages).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# The Prisma client goes to generated/prisma, the bundle to dist/workflow-bundle.js (+ .json).
# Pruning keeps the exact tree the bundle was built from, less the devDependencies (tsx, which
# runs the TypeScript sources, is a dependency).
RUN npm run generate \
 && npm run build:workflows \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund
# npm keeps the devDependencies that a production package names as an optional peer (prisma and
# typescript for @prisma/client, vitest for better-auth; "devOptional" in the lockfile), with
# their own dependencies: a quarter of node_modules that nothing runs. Out they go; npm ls then
# fails the build if any production package misses something it requires.
RUN node -e "const fs = require('node:fs'); for (const [dir, p] of Object.entries(require('./package-lock.json').packages)) if (p.devOptional) fs.rmSync(dir, { recursive: true, force: true });" \
 && find node_modules/.bin -xtype l -delete \
 && npm ls --omit=dev --all > /dev/null

# ---- runtime: the built app, run by an unprivileged user; nothing is installed at start
FROM node:20.20.2-bookworm-slim AS runtime
# tini as PID 1 passes SIGTERM on to node (the worker drains and the server closes on it) and
# reaps whatever exits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app /app
# The only place the app writes: the server's folder document store (.k2flow/documents).
RUN mkdir -p .k2flow/documents && chown -R node:node .k2flow
# node (uid 1000), by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
EXPOSE 3000
# The server: GET /healthz; a worker: its metrics exporter when K2FLOW_WORKER_METRICS_ADDRESS is
# set; anything else (migrate, the CLI) reports healthy. See docker/healthcheck.mjs.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "docker/healthcheck.mjs"]
ENTRYPOINT ["/usr/bin/tini", "--", "/app/docker/entrypoint.sh"]
CMD ["server"]

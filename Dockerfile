# One image for the API (the default command), the worker and `npm run cluster:init`;
# docker-compose.yml picks the command. It runs compiled JavaScript (npm run build: tsc to dist/)
# on Node 22 LTS, and holds no emulator code: sandbox mode is `npm start`, not this image.

# Production dependencies only, resolved from the lock file.
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# The compiler and the workflow bundler: every dependency, and only the production sources
# (test/deploy-artifacts.test.ts checks that nothing here is, or imports, emulators/).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY activities ./activities
COPY api ./api
COPY common ./common
COPY domain ./domain
COPY launcher/cluster-init.ts ./launcher/cluster-init.ts
COPY launcher/keys-rotate.ts ./launcher/keys-rotate.ts
COPY web ./web
COPY worker ./worker
COPY workflows ./workflows
# dist/: the entry points' import closure as JavaScript, with web/ and package.json beside it.
RUN npm run build
# The workflow code bundled once, here: a worker starts (and a crashed one is back) without
# bundling for seconds first. WORKFLOW_BUNDLE_PATH names it; it is rebuilt with the code.
COPY scripts/bundle-workflows.ts ./scripts/bundle-workflows.ts
RUN node --import tsx scripts/bundle-workflows.ts /app/dist/workflow-bundle.js

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY --from=build /app/dist ./dist
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
# The data folder (file stores when DATABASE_URL is unset) must be writable by node.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 8080
# slim has no curl: node's fetch. 200 is UP or DEGRADED (no worker polling yet), 503 is DOWN.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/api/main.js"]

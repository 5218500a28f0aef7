# One image for the API (the default command), the worker and `npm run cluster:init`;
# docker-compose.yml picks the command. TypeScript runs through tsx (a runtime dependency): no build.

# Production dependencies only, resolved from the lock file.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
# What the entry points load (test/deploy-artifacts.test.ts follows their imports):
# api/main.ts, worker/main.ts (it loads the bundle built below), launcher/cluster-init.ts;
# emulators/, lambda/ and templates/ for sandbox mode; web/ is the console the API serves.
COPY activities ./activities
COPY api ./api
COPY common ./common
COPY domain ./domain
COPY emulators ./emulators
COPY lambda ./lambda
COPY launcher ./launcher
COPY templates ./templates
COPY web ./web
COPY worker ./worker
COPY workflows ./workflows
# The workflow code bundled once, here: a worker starts (and a crashed one is back) without
# bundling for seconds first. WORKFLOW_BUNDLE_PATH names it; it is rebuilt with the code.
COPY scripts/bundle-workflows.ts ./scripts/bundle-workflows.ts
RUN node --import tsx scripts/bundle-workflows.ts /app/dist/workflow-bundle.js
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
# The data folder (generated keys, file stores when DATABASE_URL is unset) must be writable by node.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 8080
# slim has no curl: node's fetch. 200 is UP or DEGRADED (no worker polling yet), 503 is DOWN.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "api/main.ts"]

# syntax=docker/dockerfile:1
# Anxin 安心 — the edge service (MQTT broker :1883, HTTP API :8080, SQLite in /data).
# Two stages: dependencies are installed with `npm ci` from the lockfile in a build stage
# that has a compiler (better-sqlite3 builds from source when no prebuilt binary fits);
# the runtime stage carries only node_modules and the sources (run by tsx, no build step).

FROM node:20-bookworm-slim AS build
WORKDIR /app
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# tsx is a runtime dependency; test tools (vitest, vite, playwright-core) stay out.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    ANXIN_DB=/data/anxin.db
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
# The official image's unprivileged `node` user (uid 1000) owns only the data volume.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 1883 8080
# The service's own config decides the port and http or https (src/cli/healthcheck.ts).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "--import", "tsx", "src/cli/healthcheck.ts"]
CMD ["node", "--import", "tsx", "src/main.ts"]

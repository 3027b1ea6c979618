# syntax=docker/dockerfile:1
#
# One image per event service, from one Dockerfile with a target per service:
#   docker build --target audit          -t ghcr.io/todo-app/audit-service:0.1.0 .
#   docker build --target notification   -t ghcr.io/todo-app/notification-service:0.1.0 .
#   docker build --target recurring-task -t ghcr.io/todo-app/recurring-task-service:0.1.0 .
#   docker build --target websocket      -t ghcr.io/todo-app/websocket-service:0.1.0 .
# (The image names are the platform spec's `ServiceSpec.image` defaults.)
#
# The TypeScript is compiled to JavaScript at build time (npm run build:services)
# rather than run through tsx: the runtime image then needs no dev dependency,
# starts faster and uses less memory (no on-the-fly transpiler in the process).

ARG NODE_IMAGE=node:22-bookworm-slim

# --- build: all dependencies, compile services/ and platform/ to build/ ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY platform ./platform
COPY services ./services
RUN npm run build:services

# --- deps: production dependencies only ---
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime: shared by every service target ---
FROM ${NODE_IMAGE} AS runtime
# A small young generation: about 20 MiB less resident memory per service
# (measured 119 -> 99 MiB idle) for slightly more frequent scavenges.
ENV NODE_ENV=production NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /app
# package.json carries "type": "module", which the compiled ES modules need.
COPY --chown=root:root package.json ./
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/build ./build
# Non-root, numeric so Kubernetes' runAsNonRoot can verify it; the app writes nothing to disk.
USER 10001:10001
# SERVICE_PORT in platform/defaults.ts: Dapr deliveries, /healthz, /readyz, /metrics.
EXPOSE 8080
# node is PID 1: it receives SIGTERM itself and shuts down gracefully.
ENTRYPOINT ["node", "build/services/run.js"]

FROM runtime AS audit
CMD ["audit"]

FROM runtime AS notification
CMD ["notification"]

FROM runtime AS recurring-task
CMD ["recurring-task"]

FROM runtime AS websocket
CMD ["websocket"]

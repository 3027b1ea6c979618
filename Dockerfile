# syntax=docker/dockerfile:1
#
# One image per event service, from one Dockerfile with a target per service:
#   docker build --target audit          -t ghcr.io/todo-app/audit-service:0.1.0 .
#   docker build --target notification   -t ghcr.io/todo-app/notification-service:0.1.0 .
#   docker build --target recurring-task -t ghcr.io/todo-app/recurring-task-service:0.1.0 .
#   docker build --target websocket      -t ghcr.io/todo-app/websocket-service:0.1.0 .
# (The image names are the platform spec's `ServiceSpec.image` defaults.)
#
# The TypeScript is bundled and minified into one ES module at build time
# (services/lib/bundle.ts) rather than run through tsx or shipped as tsc output:
# the runtime needs no dev dependency, starts faster, and holds far less source
# text on its heap (about 17 MiB less resident memory per service), and the
# bundle's plugins leave out what a service would load at start-up without using
# it (another 12–15 MiB: see services/lib/bundle.ts). `npm run
# bench` builds and runs exactly this bundle with this file's runtime ENV.

ARG NODE_IMAGE=node:22-bookworm-slim

# --- build: all dependencies, bundle services/ and platform/ into build/services/run.js ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY platform ./platform
COPY services ./services
RUN npm run build:services

# --- deps: production dependencies only (the bundle loads a few from node_modules: see BUNDLE_EXTERNALS, and pg) ---
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime: shared by every service target ---
FROM ${NODE_IMAGE} AS runtime
# Memory settings, measured with npm run bench (audit over a 150,000-event backlog):
# - a 1 MiB young generation: more frequent scavenges, but each one copies little;
# - a 48 MiB old generation: without a bound V8 grows the heap to 100 MiB and more
#   under load before collecting (peak RSS 190 MiB against 108 MiB), though the
#   live heap stays under 30 MiB. It is also the ceiling: a service that truly
#   needs more fails fast with an out-of-memory error instead of swelling; raise it
#   per service through the Deployment's NODE_OPTIONS if a replica must hold more
#   (e.g. many more WebSocket clients).
# - MALLOC_TRIM_THRESHOLD_=0: glibc hands freed memory at the top of its heap back
#   at once instead of keeping it for reuse; parsing the bundle and compiling hot
#   code leave several MiB there (peak RSS 105 MiB against 110 MiB, same throughput).
# - MALLOC_ARENA_MAX=2: glibc gives each thread that allocates (V8's collector and
#   compiler threads, libuv's pool) an arena of its own, up to eight per core, and
#   each keeps its own free space; two arenas held the audit's peak at 94.2–95.5 MiB
#   against 96.2–97.7 with the default (four rounds of npm run bench:audit-rounds,
#   events/s within the rounds' spread).
ENV NODE_ENV=production NODE_OPTIONS="--max-semi-space-size=1 --max-old-space-size=48" MALLOC_TRIM_THRESHOLD_=0 MALLOC_ARENA_MAX=2
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

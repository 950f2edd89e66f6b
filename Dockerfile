# syntax=docker/dockerfile:1
# Switchboard gateway image. Two stages: `build` compiles TypeScript with the dev dependencies,
# the runtime stage holds only production dependencies, dist/ and public/, and runs as a
# non-root user. Build: docker build -t switchboard .   Run: see docs/deploying.md.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first (the workspaces' too: npm ci links them) so the dependency layer is cached
# until package-lock.json changes.
COPY package.json package-lock.json ./
COPY packages/protocol/package.json ./packages/protocol/
COPY packages/client/package.json ./packages/client/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY packages ./packages
COPY src ./src
COPY public ./public
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/protocol/package.json ./packages/protocol/
COPY packages/client/package.json ./packages/client/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# The server imports the wire protocol (channel and event-name rules) at run time.
COPY --from=build /app/packages/protocol/dist ./packages/protocol/dist
COPY --from=build /app/dist ./dist
COPY --from=build /app/public ./public
# The image's `node` user, by number: Kubernetes can only verify `runAsNonRoot` for a numeric user.
USER 1000:1000
EXPOSE 3000
# Readiness, not liveness: a draining or Redis-less instance reports unhealthy. The slim image
# has no curl, so Node's own fetch asks.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
# SIGTERM starts the graceful drain (readiness 503, transports closed over SHUTDOWN_DRAIN_MS,
# exit 0); give it `docker stop -t` / stop_grace_period longer than SHUTDOWN_DRAIN_MS.
STOPSIGNAL SIGTERM
# Node is PID 1 and handles SIGTERM itself (main.ts); no npm wrapper that would swallow it.
CMD ["node", "dist/main.js"]

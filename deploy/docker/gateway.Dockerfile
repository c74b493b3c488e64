# syntax=docker/dockerfile:1
# The gateway image: the npm workspaces with production dependencies (better-sqlite3 is a native addon,
# built here for this image's Node), running as an unprivileged user.
#   docker build -f deploy/docker/gateway.Dockerfile -t sysray/gateway:0.1.0 .

FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY proto/package.json proto/package.json
COPY agent/package.json agent/package.json
COPY gateway/package.json gateway/package.json
COPY dashboard/package.json dashboard/package.json
COPY test/package.json test/package.json
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY proto/ proto/
COPY gateway/ gateway/
COPY agent/ agent/
COPY dashboard/ dashboard/
# The gateway serves the web dashboard from dashboard/dist.
RUN npx tsc -b && npm run build -w @sysray/dashboard

# Production dependencies only. --ignore-scripts skips the root `prepare` (tsc is a dev dependency);
# better-sqlite3 is then built (or its prebuilt binary fetched) explicitly.
FROM node:20-bookworm AS prod-deps
WORKDIR /src
COPY package.json package-lock.json ./
COPY proto/package.json proto/package.json
COPY agent/package.json agent/package.json
COPY gateway/package.json gateway/package.json
COPY dashboard/package.json dashboard/package.json
COPY test/package.json test/package.json
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3

FROM node:20-bookworm-slim AS runtime
LABEL org.opencontainers.image.title="sysray-gateway" \
      org.opencontainers.image.description="Sysray gateway: OTLP and NATS ingest, fleet state, store, alerts, API and dashboard" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /opt/sysray
ENV NODE_ENV=production
COPY --from=prod-deps /src/package.json ./package.json
COPY --from=prod-deps /src/node_modules ./node_modules
COPY --from=build /src/proto/package.json proto/package.json
COPY --from=build /src/proto/dist proto/dist
COPY --from=build /src/proto/otlp proto/otlp
COPY --from=build /src/proto/schema proto/schema
COPY --from=build /src/agent/package.json agent/package.json
COPY --from=build /src/agent/dist agent/dist
COPY --from=build /src/agent/bin agent/bin
COPY --from=build /src/gateway/package.json gateway/package.json
COPY --from=build /src/gateway/dist gateway/dist
COPY --from=build /src/dashboard/package.json dashboard/package.json
COPY --from=build /src/dashboard/dist dashboard/dist
# A fixed unprivileged uid (the Deployment's runAsUser), owning only the data directory.
RUN groupadd --system --gid 10001 sysray \
 && useradd --system --uid 10001 --gid sysray --home-dir /var/lib/sysray --shell /usr/sbin/nologin sysray \
 && mkdir -p /var/lib/sysray \
 && chown sysray:sysray /var/lib/sysray
USER 10001:10001
VOLUME /var/lib/sysray
EXPOSE 8080 4317 4318
ENTRYPOINT ["node", "/opt/sysray/agent/bin/sysray.js"]
CMD ["gateway", "--data-dir", "/var/lib/sysray"]

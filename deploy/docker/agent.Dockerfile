# syntax=docker/dockerfile:1
# The agent image: one bundled file on Node's slim image.
#   docker build -f deploy/docker/agent.Dockerfile -t sysray/agent:0.1.0 .
# Run it with the host mounted read-only (deploy/docker/compose.yaml, deploy/k8s/agent-daemonset.yaml):
#   docker run --pid=host --network=host --uts=host -v /:/host:ro,rslave -e SYSRAY_ROOTFS=/host \
#     --cap-drop=ALL --cap-add=SYS_PTRACE --cap-add=DAC_READ_SEARCH --read-only sysray/agent:0.1.0

FROM node:20-bookworm AS build
WORKDIR /src
# Dependencies first, so source edits reuse this layer. --ignore-scripts: the root `prepare` (tsc -b) needs
# the sources, and the agent needs no native addon (better-sqlite3 is the gateway's).
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
COPY scripts/build-release.mjs scripts/build-release.mjs
# Type-check everything, then bundle the CLI into one ES module (no node_modules in the image).
RUN npx tsc -b && node scripts/build-release.mjs --no-sea --out /out

FROM node:20-bookworm-slim AS runtime
LABEL org.opencontainers.image.title="sysray-agent" \
      org.opencontainers.image.description="Sysray agent: host metrics from /proc, /sys and cgroup2, over OpenTelemetry" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/sysray.mjs /opt/sysray/sysray.mjs
COPY deploy/sysray.example.toml /etc/sysray/sysray.example.toml
ENV NODE_ENV=production \
    SYSRAY_ROOTFS=/host
# Root on purpose: reading /proc/<pid>/io, fd/ and smaps of other users' processes needs CAP_SYS_PTRACE
# (proc(5) ptrace access mode), which only root gets in a container. Drop every other capability at run
# time: --cap-drop=ALL --cap-add=SYS_PTRACE --cap-add=DAC_READ_SEARCH (the DaemonSet does it), and run
# with a read-only root filesystem.
USER 0:0
EXPOSE 9464
ENTRYPOINT ["node", "/opt/sysray/sysray.mjs"]
CMD ["agent"]

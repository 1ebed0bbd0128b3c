# Reachmap in one image: docker build -t reachmap:local .
# The bases are build arguments: where no registry is reachable, deploy/local-base.sh makes
# equivalents from Debian's mirror and the local Node (CI does; see deploy/build-image.sh).
ARG BUILD_IMAGE=node:24-bookworm
ARG RUNTIME_IMAGE=node:24-bookworm-slim

# ── build: npm packages, Next, the server bundle, the native helpers ──────────────────────
FROM ${BUILD_IMAGE} AS build
# Behind a reverse proxy under a prefix (/reachmap): Next bakes it into the build.
ARG REACHMAP_BASE_PATH=""
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1 REACHMAP_BASE_PATH=${REACHMAP_BASE_PATH}
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
# The netlink listener helper and the in-root reader are required here (build-server.mjs
# only warns without a compiler). Then only what the server loads at run time stays:
# no dev dependencies, no Next build cache, no SWC compiler or image optimizer (the
# dashboard serves unoptimized images).
RUN npm run build --silent \
 && test -x dist/reachmap-netns-listeners && test -x dist/reachmap-read-in-root \
 && npm prune --omit=dev --no-audit --no-fund --loglevel=error \
 && rm -rf .next/cache node_modules/@next/swc-* node_modules/@img node_modules/sharp

# ── runtime ────────────────────────────────────────────────────────────────────────────────
FROM ${RUNTIME_IMAGE}
ARG REACHMAP_BASE_PATH=""
# iptables-save reads the packet filter (NET_ADMIN); ssh reaches ssh:// engines; nsenter and
# setpriv (util-linux) are in every Debian base. A non-root user for the least-privilege mode.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iptables openssh-client >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
 && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home --shell /usr/sbin/nologin reachmap \
 && mkdir -p /data && chown reachmap:reachmap /data
WORKDIR /app
COPY --from=build /src/package.json /src/next.config.mjs ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/.next ./.next
COPY --from=build /src/public ./public
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
COPY --from=build /src/deploy/healthcheck.mjs ./deploy/healthcheck.mjs
RUN ln -s /app/bin/reachmap.mjs /usr/local/bin/reachmap

# Loopback by default: with `network_mode: host` (deploy/compose.yaml) that is the host's own
# loopback. In a bridge network set REACHMAP_HOST=0.0.0.0 and publish 127.0.0.1:7391:7391.
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    REACHMAP_DATA_DIR=/data \
    REACHMAP_HOST=127.0.0.1 \
    REACHMAP_PORT=7391 \
    REACHMAP_BASE_PATH=${REACHMAP_BASE_PATH}
USER reachmap
VOLUME /data
EXPOSE 7391
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD ["node", "/app/deploy/healthcheck.mjs"]
ENTRYPOINT ["node", "/app/dist/server.js"]

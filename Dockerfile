# syntax=docker/dockerfile:1
# Every image of the platform, one per SERVICE (a service's name, `edge` for the whole platform in one process as
# `npm start`, or `gateway` for the origin in front of the services' own images). Build from the repository root:
#   docker build --build-arg SERVICE=catalog -t shop-catalog .
# `npm run images` builds them all (tools/containers/build-images.sh).

# Node 24 LTS, the line `npm test` runs its second pass on (tools/node-runtime.sh); NODE_IMAGE=node:22-bookworm-slim
# builds on the other supported line.
ARG NODE_IMAGE=node:24.22-bookworm-slim

# The package manifests alone, so the install layers are reused until a manifest changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -type d -empty -delete

# Every dependency, dev ones included (the build needs tsx and esbuild), exactly as package-lock.json pins them.
# better-sqlite3 compiles where no prebuilt binary can be downloaded, against the headers the Node image ships.
# A registry reached through a private certificate authority: pass its bundle as the secret npm-ca
# (`--secret id=npm-ca,src=<file>`); it is read by this step only and never stored in a layer.
FROM ${NODE_IMAGE} AS dependencies
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=manifests /src ./
RUN --mount=type=secret,id=npm-ca --mount=type=cache,target=/root/.npm \
    if [ -f /run/secrets/npm-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm-ca npm_config_cafile=/run/secrets/npm-ca; fi \
 && npm_config_nodedir=/usr/local npm ci --no-audit --no-fund

# Every service and the gateway bundled into dist/<name>/main.js (tools/bundle-service.ts). The same for every
# SERVICE, so a builder makes it once and reuses it for all the images.
FROM dependencies AS build
COPY tsconfig.json ./
COPY packages ./packages
COPY services ./services
COPY tools/bundle-service.ts tools/runtime-packages.ts ./tools/
RUN node_modules/.bin/tsx tools/bundle-service.ts

# The development image for Tilt: the sources run through tsx, which restarts on every file Tilt syncs.
FROM build AS dev
ARG SERVICE
# JSON log lines in every container, even one run with -t: its logs are read by machines (see the README, LOG_FORMAT).
ENV LOG_FORMAT=json NODE_ENV=development HOST=0.0.0.0 APP_PORT=3000 PORT=8080 OPERATIONS_PORT=8081 SHOP_DATA_DIR=/app/.data
RUN ln -s "$(node_modules/.bin/tsx tools/bundle-service.ts --entry "${SERVICE:?set the build argument SERVICE}")" dev-entry.ts \
 && mkdir -p /app/.data \
 && chown -R 1000:1000 /app/packages /app/services /app/.data
USER 1000:1000
EXPOSE 3000 8080 8081
CMD ["node_modules/.bin/tsx", "watch", "dev-entry.ts"]

# The service's bundle and the npm packages it loads (and those they load), at their paths from the repository root,
# as the bundle's require() calls expect them; main.js links to the bundle, whose real path Node resolves from.
# Everything is root's but the data folder (SQLite files, when no DATABASE_URL is given).
FROM build AS service-packages
ARG SERVICE
RUN node_modules/.bin/tsx tools/runtime-packages.ts "${SERVICE:?set the build argument SERVICE}" /runtime \
 && mkdir -p /runtime/dist /runtime/.data \
 && cp -r "dist/${SERVICE}" /runtime/dist/ \
 && ln -s "dist/${SERVICE}/main.js" /runtime/main.js \
 && chown 1000:1000 /runtime/.data

# Node and the libraries it links, nothing else: no shell, package manager, npm or C headers, which are half the
# Node image. Built from the same Node image, so NODE_IMAGE chooses the runtime's Node too. And tini as PID 1: the
# kernel ignores SIGTERM for a PID 1 that has no handler for it, and Node sets its handler only once the service
# listens, so a container stopped while starting (migrations) would wait for its SIGKILL.
FROM ${NODE_IMAGE} AS node-only
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /rootfs/usr/local/bin /rootfs/etc /rootfs/tmp \
 && cp /usr/bin/tini-static /rootfs/usr/local/bin/tini \
 && cp /usr/local/bin/node /rootfs/usr/local/bin/ \
 && ldd /usr/local/bin/node | grep -o '/[^ ]*' | xargs -I{} cp --parents -L {} /rootfs \
 && chmod 1777 /rootfs/tmp \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnode:x:1000:1000:node:/app:/sbin/nologin\n' >/rootfs/etc/passwd \
 && printf 'root:x:0:\nnode:x:1000:\n' >/rootfs/etc/group \
 && printf 'hosts: files dns\n' >/rootfs/etc/nsswitch.conf

FROM scratch AS runtime
COPY --from=node-only /rootfs /
ENV PATH=/usr/local/bin LOG_FORMAT=json NODE_ENV=production HOST=0.0.0.0 APP_PORT=3000 PORT=8080 OPERATIONS_PORT=8081 \
    SHOP_DATA_DIR=/app/.data NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY --from=service-packages /runtime ./
ARG SERVICE
ENV SERVICE=${SERVICE}
USER 1000:1000
EXPOSE 3000 8080 8081
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const port = process.env.SERVICE === 'edge' || process.env.SERVICE === 'gateway' ? process.env.PORT : process.env.APP_PORT; fetch('http://127.0.0.1:' + port + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["tini", "--"]
CMD ["node", "main.js"]

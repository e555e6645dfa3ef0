// `tsx tools/write-dockerfiles.ts`: writes services/<name>/Dockerfile for every service. The images differ
// only in the service they run, so they come from one template here; tests/deploy checks that each
// Dockerfile on disk is what this writes, so an edit by hand is caught instead of drifting.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..');

/**
 * The services that get an image: every services/<name> with a package.json. The hub is listed even
 * before its sources land, so its image, chart entry and compose service are ready when they do.
 */
export function imageServices(root = repoRoot): string[] {
  const names = readdirSync(join(root, 'services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'services', entry.name, 'package.json')))
    .map((entry) => entry.name);
  return [...new Set([...names, 'hub'])].sort();
}

/** The all-in-one image: every service in one process, SQLite under SHOP_DATA_DIR (CONTRACT.md, local run). */
const embedded = 'edge';

export function dockerfileFor(service: string): string {
  const isEmbedded = service === embedded;
  const port = isEmbedded ? 8080 : 3000;
  const portVariable = isEmbedded ? 'PORT' : 'APP_PORT';
  const runtimeEnv = isEmbedded
    ? `ENV NODE_ENV=production HOST=0.0.0.0 PORT=${port} SHOP_DATA_DIR=/app/.data NODE_OPTIONS=--enable-source-maps`
    : `ENV NODE_ENV=production HOST=0.0.0.0 APP_PORT=${port} NODE_OPTIONS=--enable-source-maps`;
  const dataDir = isEmbedded
    ? `# The SQLite files of every service; mount a volume here to keep them.
RUN mkdir -p /app/.data && chown 1000:1000 /app/.data
VOLUME ["/app/.data"]
`
    : '';
  return `# syntax=docker/dockerfile:1
# The ${service} image${isEmbedded ? ' (the whole platform in one process, as `npm start`)' : ''}. Build from the repository root:
#   docker build -f services/${service}/Dockerfile -t shop-${service} .
# Written by tools/write-dockerfiles.ts: change that and run it, not this file.

ARG NODE_IMAGE=node:20.19-bookworm-slim

# The package manifests alone, so the install layers are reused until a manifest changes.
FROM \${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete \\
 && find . -type d -empty -delete

# Every dependency, dev ones included (the build needs tsx and esbuild). better-sqlite3 compiles from
# source where no prebuilt binary matches. \`npm install\`, not \`npm ci\`: the lock file lacks the optional
# binaries of platforms its registry did not serve, which \`npm ci\` rejects (see tools/test.sh).
FROM \${NODE_IMAGE} AS dependencies
RUN apt-get update \\
 && apt-get install -y --no-install-recommends python3 make g++ \\
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=manifests /src ./
RUN npm install --no-audit --no-fund

# services/${service}/src/main.ts bundled into dist/${service}/main.js (tools/bundle-service.ts).
FROM dependencies AS build
COPY tsconfig.json ./
COPY packages ./packages
COPY services ./services
COPY tools/bundle-service.ts ./tools/
RUN node_modules/.bin/tsx tools/bundle-service.ts ${service}

# The development image for Tilt: the sources run through tsx, which restarts on every file Tilt syncs.
FROM build AS dev
ENV NODE_ENV=development HOST=0.0.0.0 ${portVariable}=${port}
RUN chown -R 1000:1000 /app/packages /app/services${isEmbedded ? ' && mkdir -p /app/.data && chown 1000:1000 /app/.data' : ''}
USER 1000:1000
EXPOSE ${port}
CMD ["node_modules/.bin/tsx", "watch", "services/${service}/src/main.ts"]

# The production node_modules: the bundle loads every npm package from here.
FROM dependencies AS production-dependencies
RUN npm prune --omit=dev --no-audit --no-fund

FROM \${NODE_IMAGE} AS runtime
${runtimeEnv}
WORKDIR /app
# node_modules, and the workspaces' own nested node_modules the bundle requires by relative path.
COPY --from=production-dependencies /app ./
COPY --from=build /app/dist/${service} ./dist/${service}
${dataDir}USER 1000:1000
EXPOSE ${port}
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \\
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.${portVariable} + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/${service}/main.js"]
`;
}

export function dockerfilePath(service: string, root = repoRoot): string {
  return join(root, 'services', service, 'Dockerfile');
}

if (require.main === module) {
  for (const service of imageServices()) {
    mkdirSync(dirname(dockerfilePath(service)), { recursive: true });
    writeFileSync(dockerfilePath(service), dockerfileFor(service));
    console.log(`services/${service}/Dockerfile`);
  }
}

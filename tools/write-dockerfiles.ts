// `tsx tools/write-dockerfiles.ts`: writes services/<name>/Dockerfile for every service, and the gateway's
// services/edge/Dockerfile.gateway. The images differ only in the bundle they run, so they come from one template here; tests/deploy checks that each
// Dockerfile on disk is what this writes, so an edit by hand is caught instead of drifting.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { appIds } from '@shop/contracts';

const repoRoot = resolve(__dirname, '..');

/**
 * The services that get an image: every services/<name> with a package.json, every app id of the mesh policy (even
 * before its sources land, so its image, chart entry and compose service are ready when they do), and the gateway.
 */
export function imageServices(root = repoRoot): string[] {
  const names = readdirSync(join(root, 'services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'services', entry.name, 'package.json')))
    .map((entry) => entry.name);
  return [...new Set([...names, ...appIds, gateway])].sort();
}

/** The all-in-one image: every service in one process, SQLite under SHOP_DATA_DIR (CONTRACT.md, local run). */
const embedded = 'edge';
/** The origin in front of the services' own images (services/edge/src/gateway-main.ts), built from the edge's sources. */
const gateway = 'gateway';

/** What tells one image from another. */
interface ImageShape {
  title: string;
  /** The entry the bundle is built from, and the dev stage runs. */
  source: string;
  /** The variables naming the ports it listens on; the first one's /healthz is the health check. */
  ports: Array<{ variable: string; port: number }>;
  /** Keeps its SQLite files under /app/.data (SHOP_DATA_DIR). */
  dataDir: boolean;
}

function shapeOf(service: string): ImageShape {
  if (service === embedded) {
    return {
      title: 'The edge image (the whole platform in one process, as `npm start`)',
      source: 'services/edge/src/main.ts',
      ports: [{ variable: 'PORT', port: 8080 }],
      dataDir: true,
    };
  }
  if (service === gateway) {
    return {
      title: "The gateway image (the platform's origin in front of the service images, as in Kubernetes)",
      source: 'services/edge/src/gateway-main.ts',
      ports: [
        { variable: 'PORT', port: 8080 },
        { variable: 'OPERATIONS_PORT', port: 8081 },
      ],
      dataDir: false,
    };
  }
  return {
    title: `The ${service} image`,
    source: `services/${service}/src/main.ts`,
    ports: [{ variable: 'APP_PORT', port: 3000 }],
    dataDir: false,
  };
}

export function dockerfilePath(service: string, root = repoRoot): string {
  return service === gateway
    ? join(root, 'services', embedded, 'Dockerfile.gateway')
    : join(root, 'services', service, 'Dockerfile');
}

export function dockerfileFor(service: string): string {
  const shape = shapeOf(service);
  const [main] = shape.ports;
  if (!main) throw new Error(`${service} listens on no port`);
  const exposed = shape.ports.map((p) => p.port).join(' ');
  const listenEnv = `HOST=0.0.0.0 ${shape.ports.map((p) => `${p.variable}=${p.port}`).join(' ')}`;
  const dataDirEnv = shape.dataDir ? ' SHOP_DATA_DIR=/app/.data' : '';
  const file = relative(repoRoot, dockerfilePath(service));
  const dataDir = shape.dataDir
    ? `# The SQLite files of every service; mount a volume here to keep them.
RUN mkdir -p /app/.data && chown 1000:1000 /app/.data
VOLUME ["/app/.data"]
`
    : '';
  return `# syntax=docker/dockerfile:1
# ${shape.title}. Build from the repository root:
#   docker build -f ${file} -t shop-${service} .
# Written by tools/write-dockerfiles.ts: change that and run it, not this file.

# Node 24 LTS, the line \`npm test\` runs its second pass on (tools/node-runtime.sh); NODE_IMAGE=node:22-bookworm-slim
# builds on the other supported line.
ARG NODE_IMAGE=node:24.22-bookworm-slim

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

# ${shape.source} bundled into dist/${service}/main.js (tools/bundle-service.ts).
FROM dependencies AS build
COPY tsconfig.json ./
COPY packages ./packages
COPY services ./services
COPY tools/bundle-service.ts ./tools/
RUN node_modules/.bin/tsx tools/bundle-service.ts ${service}

# The development image for Tilt: the sources run through tsx, which restarts on every file Tilt syncs.
FROM build AS dev
# JSON log lines in every container, even one run with -t: its logs are read by machines (see the README, LOG_FORMAT).
ENV LOG_FORMAT=json NODE_ENV=development ${listenEnv}
RUN chown -R 1000:1000 /app/packages /app/services${shape.dataDir ? ' && mkdir -p /app/.data && chown 1000:1000 /app/.data' : ''}
USER 1000:1000
EXPOSE ${exposed}
CMD ["node_modules/.bin/tsx", "watch", "${shape.source}"]

# The production node_modules: the bundle loads every npm package from here.
FROM dependencies AS production-dependencies
RUN npm prune --omit=dev --no-audit --no-fund

FROM \${NODE_IMAGE} AS runtime
ENV LOG_FORMAT=json NODE_ENV=production ${listenEnv}${dataDirEnv} NODE_OPTIONS=--enable-source-maps
WORKDIR /app
# node_modules, and the workspaces' own nested node_modules the bundle requires by relative path.
COPY --from=production-dependencies /app ./
COPY --from=build /app/dist/${service} ./dist/${service}
${dataDir}USER 1000:1000
EXPOSE ${exposed}
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \\
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.${main.variable} + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/${service}/main.js"]
`;
}

if (require.main === module) {
  for (const service of imageServices()) {
    mkdirSync(dirname(dockerfilePath(service)), { recursive: true });
    writeFileSync(dockerfilePath(service), dockerfileFor(service));
    console.log(relative(repoRoot, dockerfilePath(service)));
  }
}

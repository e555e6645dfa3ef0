// `npm run build` (every service) or `tsx tools/bundle-service.ts <name>...`: the production build of a
// service, services/<name>/src/main.ts bundled into dist/<name>/main.js with its source map. The gateway
// (services/edge/src/gateway-main.ts, the origin in front of the services in Kubernetes) is built the same
// way into dist/gateway/main.js.
//
// The workspace packages (@shop/kit, @shop/contracts) and the service's own sources are inlined; every
// npm package stays external and is loaded from node_modules at run time, because several cannot be
// bundled at all (better-sqlite3 is a native addon; typeorm and the database drivers load optional
// modules by name) and the runtime image ships the production node_modules anyway.
import { cpSync, existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { build, type Plugin } from 'esbuild';

const repoRoot = resolve(__dirname, '..');
const workspaceScope = '@shop/';

/** Deployables whose entry is not services/<name>/src/main.ts, by bundle name. */
const otherEntries: Record<string, string> = {
  gateway: join('services', 'edge', 'src', 'gateway-main.ts'),
};

/**
 * Every service that has a main.ts, i.e. can run on its own (edge included: it is the all-in-one image),
 * and the gateway.
 */
export function bundleableServices(root = repoRoot): string[] {
  const services = readdirSync(join(root, 'services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'services', entry.name, 'src', 'main.ts')))
    .map((entry) => entry.name);
  const others = Object.entries(otherEntries)
    .filter(([, entry]) => existsSync(join(root, entry)))
    .map(([name]) => name);
  return [...services, ...others].sort();
}

/** The source file a bundle starts from. */
export function entryOf(service: string, root = repoRoot): string {
  return join(root, otherEntries[service] ?? join('services', service, 'src', 'main.ts'));
}

/** The npm packages a bundle loads at run time, as its require() calls name them (written by bundleService). */
export function externalsFileOf(service: string, outRoot = join(repoRoot, 'dist')): string {
  return join(outRoot, `${service}.externals.json`);
}

export interface BundleResult {
  service: string;
  outFile: string;
  /** The npm packages the bundle loads at run time, as written in its require() calls. */
  externals: string[];
}

export async function bundleService(service: string, outRoot = join(repoRoot, 'dist')): Promise<BundleResult> {
  const entry = entryOf(service);
  if (!existsSync(entry)) throw new Error(`${relative(repoRoot, entry)} does not exist`);
  const outDir = join(outRoot, service);
  const outFile = join(outDir, 'main.js');
  const externals = new Set<string>();
  const { metafile } = await build({
    entryPoints: [entry],
    // The metafile's input paths are relative to it: services/<name>/src/... (runtimeFolderOf).
    absWorkingDir: repoRoot,
    metafile: true,
    outfile: outFile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    // Stack traces need the mappings only; the sources stay out of the image.
    sourcesContent: false,
    // No keepNames: nothing here depends on a function's runtime name (migrations and entity schemas
    // carry explicit names), and the __name wrappers it adds run on every call.
    keepNames: false,
    logLevel: 'warning',
    plugins: [npmPackagesExternal(outDir, externals)],
  });
  for (const folder of runtimeFolders) {
    const source = runtimeFolderOf(folder, Object.keys(metafile.inputs));
    if (!source) continue;
    cpSync(source, join(outDir, folder), { recursive: true });
    // The browser sources in it are bundled when the service starts, from its service's own dependencies (preact,
    // chart.js, the SignalR client), which no require() of the bundle names.
    for (const name of dependenciesOf(dirname(source))) externals.add(name);
  }
  const result = { service, outFile, externals: [...externals].sort() };
  // Beside the bundle's folder, not in it: what tools/runtime-packages.ts copies into the service's image.
  writeFileSync(externalsFileOf(service, outRoot), `${JSON.stringify(result.externals, null, 2)}\n`);
  return result;
}

function dependenciesOf(packageDir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(manifest.dependencies ?? {});
}

/**
 * The folders of a service that it reads at run time, copied beside a bundle holding its sources: `templates` (the
 * notifications' emails), `web` (the analytics dashboard's browser sources) and `storefront` (the edge's storefront),
 * both built when the bundle starts.
 */
const runtimeFolders = ['templates', 'web', 'storefront'];

/**
 * The folder of that name of the service whose sources the bundle holds, whichever bundle that is (its own, the
 * all-in-one edge's). Two such services would share dist/<name>/<folder>, so that stops the build rather than mixing
 * their files.
 */
function runtimeFolderOf(folder: string, inputs: string[]): string | undefined {
  const services = new Set(inputs.flatMap((input) => input.match(/^services\/([^/]+)\/src\//)?.[1] ?? []));
  const folders = [...services]
    .map((name) => join(repoRoot, 'services', name, folder))
    .filter((path) => existsSync(path));
  if (folders.length > 1) {
    throw new Error(`two services' ${folder} would share one folder beside the bundle: ${folders.join(', ')}`);
  }
  return folders[0];
}

/**
 * Leaves npm packages out of the bundle. A package hoisted to the root node_modules keeps its bare name;
 * one npm nested under a workspace (packages/kit/node_modules/light-my-request, because the root holds another
 * version or none) is required by its path relative to the bundle, which the runtime image keeps.
 */
function npmPackagesExternal(outDir: string, externals: Set<string>): Plugin {
  return {
    name: 'npm-packages-external',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        if (args.path.startsWith(workspaceScope)) return undefined;
        const resolvedFile = resolveFrom(args.path, args.resolveDir);
        const rootCopy = join(repoRoot, 'node_modules', packageNameOf(args.path));
        const path = isInside(resolvedFile, rootCopy) ? args.path : relativeRequire(outDir, resolvedFile);
        externals.add(path);
        return { path, external: true };
      });
    },
  };
}

function resolveFrom(specifier: string, fromDir: string): string {
  try {
    return realpathSync(require.resolve(specifier, { paths: [fromDir] }));
  } catch (error) {
    throw new Error(`${specifier} (imported from ${relative(repoRoot, fromDir)}) is not installed: ${error}`);
  }
}

function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function isInside(file: string, dir: string): boolean {
  const realDir = existsSync(dir) ? realpathSync(dir) : dir;
  return file.startsWith(realDir + sep);
}

function relativeRequire(fromDir: string, file: string): string {
  const path = relative(fromDir, file).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

async function main(): Promise<void> {
  // `--list`: every name a bundle (and an image) can be built for. `--entry <name>`: the source file a service starts from (the Dockerfile's dev stage runs it through tsx watch).
  if (process.argv[2] === '--entry' && process.argv[3]) {
    console.log(relative(repoRoot, entryOf(process.argv[3])));
    return;
  }
  if (process.argv[2] === '--list') {
    console.log(bundleableServices().join('\n'));
    return;
  }
  const requested = process.argv.slice(2);
  const known = bundleableServices();
  const unknown = requested.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(`nothing to bundle for: ${unknown.join(', ')} (known: ${known.join(', ')})`);
  }
  for (const service of requested.length > 0 ? requested : known) {
    const started = Date.now();
    const result = await bundleService(service);
    console.log(
      `${relative(repoRoot, result.outFile)} (${Date.now() - started} ms, ${result.externals.length} external)`,
    );
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

// `tsx tools/runtime-packages.ts <service> <out>`: copies into <out> the npm packages the service's bundle loads at
// run time (dist/<service>.externals.json, written by tools/bundle-service.ts) and every package they load in turn
// (dependencies, optional and peer dependencies that are installed), each at its path from the repository root, so
// that the bundle's require() calls resolve in the image as they do in the repository. The service's image holds
// these and nothing else of node_modules: the whole production tree is several times the size of any one service's.
import { cpSync, existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { externalsFileOf } from './bundle-service';

const repoRoot = resolve(__dirname, '..');

interface Manifest {
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readManifest = (packageDir: string): Manifest =>
  JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Manifest;

/** The folder of package `name` as Node would find it from `fromDir`: the nearest node_modules up the tree. */
function findPackage(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dir === dirname(dir)) return undefined;
  }
}

/** The package folder holding `file`: the folder right under its last node_modules (two deep for a scope). */
function packageRootOf(file: string): string {
  const parts = file.split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) throw new Error(`${file} is not inside node_modules`);
  const depth = parts[at + 1]?.startsWith('@') ? 2 : 1;
  return parts.slice(0, at + 1 + depth).join(sep);
}

const packageNameOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Every package folder the service's bundle needs at run time, from the bundle's own require() calls outwards. */
export function runtimePackages(service: string, root = repoRoot): string[] {
  const bundleDir = join(root, 'dist', service);
  const externals = JSON.parse(readFileSync(externalsFileOf(service, join(root, 'dist')), 'utf8')) as string[];
  const found = new Set<string>();
  const visit = (packageDir: string) => {
    if (found.has(packageDir)) return;
    found.add(packageDir);
    const manifest = readManifest(packageDir);
    const required = Object.keys(manifest.dependencies ?? {});
    // Optional dependencies of another platform and peers nobody installed are simply absent.
    const ifInstalled = [
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ];
    for (const name of required) {
      const dir = findPackage(name, packageDir);
      if (!dir) throw new Error(`${manifest.name} needs ${name}, which is not installed`);
      visit(dir);
    }
    for (const name of ifInstalled) {
      const dir = findPackage(name, packageDir);
      if (dir) visit(dir);
    }
  };
  for (const specifier of externals) {
    if (specifier.startsWith('.')) {
      visit(packageRootOf(realpathSync(resolve(bundleDir, specifier))));
      continue;
    }
    const dir = findPackage(packageNameOf(specifier), bundleDir);
    if (!dir) throw new Error(`the ${service} bundle loads ${specifier}, which is not installed`);
    visit(dir);
  }
  return [...found].sort();
}

/** Type declarations, source maps, TypeScript sources and documents: read by editors and humans, never by Node. */
const notLoadedByNode = /\.(d\.[cm]?ts|map|ts|md|markdown)$/;

/**
 * Which of a package's files (by path inside it) go into an image. Its own node_modules holds other packages, copied
 * (or not) on their own account. A native addon built by node-gyp (a binding.gyp beside it) needs its compiled
 * `build/Release/*.node` only: its C sources and the build's object files are most of its size.
 */
export function runtimeFileFilter(packageDir: string): (path: string) => boolean {
  const nativeAddon = existsSync(join(packageDir, 'binding.gyp'));
  return (path) => {
    if (path === '') return true;
    const parts = path.split(sep);
    if (parts.includes('node_modules') || notLoadedByNode.test(path)) return false;
    if (!nativeAddon) return true;
    const [top] = parts;
    if (top === 'deps' || top === 'src') return false;
    if (top !== 'build') return true;
    // build/ and build/Release/ themselves, and the addons in the latter.
    if (parts.length === 1) return true;
    if (parts[1] !== 'Release') return false;
    return parts.length === 2 || path.endsWith('.node');
  };
}

if (require.main === module) {
  const [service, out] = process.argv.slice(2);
  if (!service || !out) {
    console.error('usage: tsx tools/runtime-packages.ts <service> <out>');
    process.exit(2);
  }
  const packages = runtimePackages(service);
  for (const packageDir of packages) {
    const path = relative(repoRoot, packageDir);
    if (path.startsWith('..')) throw new Error(`${packageDir} is outside the repository`);
    const keep = runtimeFileFilter(packageDir);
    cpSync(packageDir, join(out, path), { recursive: true, filter: (source) => keep(relative(packageDir, source)) });
  }
  console.log(`${service}: ${packages.length} packages`);
}

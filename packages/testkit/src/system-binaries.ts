import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface BinarySpec {
  /** The executable's file name, e.g. `redis-server`. */
  name: string;
  /** The Debian package that provides it. */
  debianPackage: string;
  /** Directories to search besides PATH (Debian keeps PostgreSQL's server tools off PATH). */
  extraDirs?: () => string[];
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function find(spec: BinarySpec): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...(spec.extraDirs?.() ?? [])];
  return dirs.map((dir) => join(dir, spec.name)).find(isExecutable);
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * The path of a system binary the tests need. When it is missing and we are root it installs the
 * Debian package (as a fresh CI machine needs); otherwise it fails saying exactly what to install.
 */
export function ensureBinary(spec: BinarySpec): string {
  const found = find(spec);
  if (found) return found;
  if (!isRoot()) {
    throw new Error(
      `${spec.name} is needed by the tests but was not found. Install it with: sudo apt-get install -y ${spec.debianPackage}`,
    );
  }
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update'], { stdio: 'ignore', env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', spec.debianPackage], { stdio: 'ignore', env });
  } catch (error) {
    throw new Error(
      `${spec.name} is missing and 'apt-get install -y ${spec.debianPackage}' failed (${(error as Error).message}). Install it by hand.`,
    );
  }
  const installed = find(spec);
  if (!installed) throw new Error(`${spec.debianPackage} was installed but ${spec.name} is still not found`);
  return installed;
}

function postgresBinDirs(): string[] {
  try {
    return readdirSync('/usr/lib/postgresql')
      .sort((a, b) => Number(b) - Number(a))
      .map((version) => `/usr/lib/postgresql/${version}/bin`);
  } catch {
    return [];
  }
}

export const redisServer: BinarySpec = { name: 'redis-server', debianPackage: 'redis-server' };
export const initdb: BinarySpec = { name: 'initdb', debianPackage: 'postgresql', extraDirs: postgresBinDirs };
export const pgCtl: BinarySpec = { name: 'pg_ctl', debianPackage: 'postgresql', extraDirs: postgresBinDirs };
/** The browser the live-stock page test drives through playwright-core (which downloads no browser of its own here). */
export const chromiumBrowser: BinarySpec = { name: 'chromium', debianPackage: 'chromium' };
/** The README's tour is a shell session with these two (its test runs it as written). */
export const curlClient: BinarySpec = { name: 'curl', debianPackage: 'curl' };
export const jqProcessor: BinarySpec = { name: 'jq', debianPackage: 'jq' };

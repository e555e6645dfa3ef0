import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DaprRunDirOptions {
  /** The Dapr resources to run with; defaults to the project's components/. */
  componentsDir?: string;
  /** Self-hosted Configuration to render; defaults to config.yaml in componentsDir. */
  configFile?: string;
  /** Parent of the run dir; defaults to the OS temp dir. */
  parentDir?: string;
}

export interface DaprRunDir {
  path: string;
  /** Pass to every daprd as --resources-path. */
  resourcesPath: string;
  /** Pass to every daprd as --config. */
  configPath: string;
  /** The sqlite name-resolution database all sidecars of this run share. */
  nameResolutionDb: string;
  /** Where daprd and redis logs go. */
  logDir: string;
  remove(): void;
}

export const projectComponentsDir = resolve(__dirname, '../../../components');

// Configuration files are passed with --config, not loaded as resources.
const isConfiguration = (file: string) => /^config(\..+)?\.ya?ml$/.test(file);
const isResource = (file: string) => /\.ya?ml$/.test(file) && !isConfiguration(file);

/**
 * Prepares what a group of sidecars shares in one run: a copy of the component YAML (unchanged: Redis
 * comes from env REDIS_HOST through `envRef`) and the self-hosted Configuration with its sqlite
 * name-resolution database placed in the run dir, so parallel runs never see each other's sidecars.
 */
export function prepareDaprRunDir(options: DaprRunDirOptions = {}): DaprRunDir {
  const componentsDir = options.componentsDir ?? projectComponentsDir;
  const path = mkdtempSync(join(options.parentDir ?? tmpdir(), 'shop-dapr-run-'));
  const resourcesPath = join(path, 'resources');
  const logDir = join(path, 'logs');
  mkdirSync(resourcesPath);
  mkdirSync(logDir);
  for (const file of readdirSync(componentsDir).filter(isResource)) {
    copyFileSync(join(componentsDir, file), join(resourcesPath, file));
  }
  const nameResolutionDb = join(path, 'name-resolution.db');
  const configPath = join(path, 'config.yaml');
  const config = readFileSync(options.configFile ?? join(componentsDir, 'config.yaml'), 'utf8');
  writeFileSync(configPath, withConnectionString(config, nameResolutionDb));
  return {
    path,
    resourcesPath,
    configPath,
    nameResolutionDb,
    logDir,
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

function withConnectionString(config: string, database: string): string {
  const line = /^(\s+connectionString:\s*).*$/m;
  if (!line.test(config)) {
    throw new Error('the self-hosted Configuration has no nameResolution connectionString line to fill in');
  }
  return config.replace(line, (_match, key: string) => `${key}${JSON.stringify(database)}`);
}

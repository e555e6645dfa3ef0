import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type AppId, appIds as platformAppIds } from '@shop/contracts';
import { accessControlFor } from '@shop/kit/src/mesh/dapr-policy';
import { parseDocument, YAMLSeq } from 'yaml';

export interface DaprRunDirOptions {
  /** The Dapr resources to run with; defaults to the project's components/. */
  componentsDir?: string;
  /** Self-hosted Configuration to render; defaults to config.yaml in componentsDir. */
  configFile?: string;
  /** Parent of the run dir; defaults to the OS temp dir. */
  parentDir?: string;
  /**
   * Give each platform app its own Configuration with the access control list of packages/contracts'
   * mesh policy (deny by default). Only for sidecars with mTLS: without it daprd cannot tell the caller and
   * refuses every invocation.
   */
  accessControl?: boolean;
  /**
   * App ids outside the platform's (a test's sample apps) that this run's sidecars use: added to the `scopes` of
   * the components every platform app loads (pub/sub, state), which otherwise name only the platform's apps. A
   * component scoped to some apps only (the hub binding) stays theirs.
   */
  testAppIds?: string[];
}

export interface DaprRunDir {
  path: string;
  /** Pass to every daprd as --resources-path. */
  resourcesPath: string;
  /** The shared Configuration (no access control). */
  configPath: string;
  /** Pass to the app's daprd as --config: its own Configuration with access control, or the shared one. */
  configPathFor(appId: string): string;
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
 * Prepares what a group of sidecars shares in one run: a copy of the component YAML (Redis comes from env
 * REDIS_HOST through `envRef`; test app ids added to the scopes) and the self-hosted Configuration with its
 * sqlite name-resolution database placed in the run dir, so parallel runs never see each other's sidecars.
 */
export function prepareDaprRunDir(options: DaprRunDirOptions = {}): DaprRunDir {
  const componentsDir = options.componentsDir ?? projectComponentsDir;
  const path = mkdtempSync(join(options.parentDir ?? tmpdir(), 'shop-dapr-run-'));
  const resourcesPath = join(path, 'resources');
  const logDir = join(path, 'logs');
  mkdirSync(resourcesPath);
  mkdirSync(logDir);
  for (const file of readdirSync(componentsDir).filter(isResource)) {
    const text = readFileSync(join(componentsDir, file), 'utf8');
    writeFileSync(join(resourcesPath, file), withScopesFor(text, options.testAppIds ?? []));
  }
  const nameResolutionDb = join(path, 'name-resolution.db');
  const configPath = join(path, 'config.yaml');
  const config = withConnectionString(
    readFileSync(options.configFile ?? join(componentsDir, 'config.yaml'), 'utf8'),
    nameResolutionDb,
  );
  writeFileSync(configPath, config);
  const configPathFor = (appId: string) => {
    if (!options.accessControl) return configPath;
    const own = join(path, `config.${appId}.yaml`);
    writeFileSync(own, withAccessControl(config, appId as AppId));
    return own;
  };
  return {
    path,
    resourcesPath,
    configPath,
    configPathFor,
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

function withAccessControl(config: string, appId: AppId): string {
  const document = parseDocument(config);
  document.setIn(['spec', 'accessControl'], accessControlFor(appId));
  return document.toString();
}

function withScopesFor(resource: string, testAppIds: string[]): string {
  if (testAppIds.length === 0) return resource;
  const document = parseDocument(resource);
  const scopes = document.get('scopes');
  if (!(scopes instanceof YAMLSeq)) return resource;
  const scoped = new Set(scopes.toJSON() as string[]);
  if (!platformAppIds.every((appId) => scoped.has(appId))) return resource;
  for (const appId of testAppIds) scopes.add(appId);
  return document.toString();
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routedPaths } from '@shop/kit';
import { parse } from 'yaml';
import { services } from '../../../services/edge/src/services';
import { repoRoot } from './deploy-tools';

/**
 * A service as the manifests in services/edge/src/services.ts declare it (the source of truth), with the paths the
 * origin routes to it: its public paths and the kit's dead-letter admin path when it has a database.
 */
export interface PlatformService {
  name: string;
  publicPaths: string[];
}

export const registeredServices: PlatformService[] = services.map((manifest) => ({
  name: manifest.name,
  publicPaths: routedPaths(manifest),
}));

/** The hub's contract paths (CONTRACT.md, Realtime hub), for as long as its manifest is not registered yet. */
export const hubContractPaths = ['/hubs'];

interface ChartService {
  enabled: boolean;
  publicPaths: string[];
  port: number;
  database: { enabled: boolean };
}

export interface ChartValues {
  services: Record<string, ChartService>;
  gateway: { enabled: boolean; port: number; operationsPort: number };
  ingress: { internalOnlyPaths: string[] };
}

export function chartValues(): ChartValues {
  return parse(readFileSync(join(repoRoot, 'charts', 'shop', 'values.yaml'), 'utf8')) as ChartValues;
}

/** Whole path segments, as the kit's ownsPath and Kubernetes' Prefix paths match. */
export function underPrefix(prefix: string, path: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** The paths a service's manifest makes public, less those the platform keeps inside the cluster. */
export function externallyRoutedPaths(service: PlatformService, internalOnly: string[]): string[] {
  return service.publicPaths.filter((path) => !internalOnly.some((internal) => underPrefix(internal, path)));
}

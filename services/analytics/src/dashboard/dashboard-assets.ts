import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildBrowserBundle } from '@shop/kit';

/** The dashboard's script and style, built for browsers. */
export interface DashboardAssets {
  script: Buffer;
  style: Buffer;
}

/**
 * The dashboard's browser sources: services/analytics/web, or the copy beside a production bundle
 * (tools/bundle-service.ts puts it at dist/<bundle>/web).
 */
export function dashboardSourceDir(): string {
  const candidates = [join(__dirname, 'web'), join(__dirname, '..', '..', 'web')];
  const found = candidates.find((dir) => existsSync(join(dir, 'main.ts')));
  if (!found) throw new Error(`the dashboard's sources are missing (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Bundles the dashboard once at start (the kit's browser bundle): its TypeScript, Chart.js and the stock SignalR
 * client into one minified script, so the page loads nothing from another origin.
 */
export async function buildDashboardAssets(sourceDir = dashboardSourceDir()): Promise<DashboardAssets> {
  const script = await buildBrowserBundle({
    entry: join(sourceDir, 'main.ts'),
    tsconfig: join(sourceDir, 'tsconfig.json'),
  });
  return { script, style: await readFile(join(sourceDir, 'dashboard.css')) };
}

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

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
 * Bundles the dashboard once at start with esbuild: its TypeScript, Chart.js and the stock SignalR client into one
 * minified script, so the page loads nothing from another origin (no CDN) and a release serves exactly the
 * library versions of its lock file. One build for every topology: `npm start`, the bundles and the images.
 */
export async function buildDashboardAssets(sourceDir = dashboardSourceDir()): Promise<DashboardAssets> {
  const result = await build({
    entryPoints: [join(sourceDir, 'main.ts')],
    absWorkingDir: sourceDir,
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: ['es2022'],
    minify: true,
    // The libraries' licence notes stay in the script they ship in.
    legalComments: 'eof',
    logLevel: 'silent',
    tsconfig: join(sourceDir, 'tsconfig.json'),
  });
  const [script] = result.outputFiles;
  if (!script) throw new Error('esbuild produced no dashboard script');
  return { script: Buffer.from(script.contents), style: await readFile(join(sourceDir, 'dashboard.css')) };
}

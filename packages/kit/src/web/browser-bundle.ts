import { dirname } from 'node:path';

export interface BrowserBundleOptions {
  /** The page's entry module (TypeScript or TSX). */
  entry: string;
  /** The tsconfig of the browser sources: its JSX settings (`jsxImportSource`) apply. */
  tsconfig: string;
}

/**
 * Bundles a page's browser sources with esbuild into one minified script, its libraries included (from
 * node_modules: no CDN, exactly the versions of the lock file). Done in memory when the service starts, so a fresh
 * clone needs no build step and a page never runs a script older than its sources: one way for `npm start`, the
 * production bundles and the images alike.
 */
export async function buildBrowserBundle(options: BrowserBundleOptions): Promise<Buffer> {
  // Loaded here, not with the kit: only services that serve a page need esbuild.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [options.entry],
    absWorkingDir: dirname(options.entry),
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: ['es2022'],
    minify: true,
    // The libraries' licence notes stay in the script they ship in.
    legalComments: 'eof',
    logLevel: 'silent',
    tsconfig: options.tsconfig,
  });
  const [script] = result.outputFiles;
  if (!script) throw new Error(`esbuild produced no script for ${options.entry}`);
  return Buffer.from(script.contents);
}

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleService } from '../../../tools/bundle-service';

const repoRoot = resolve(__dirname, '../../..');

export interface ServiceBundles {
  /** The command line that runs the service's bundle with node (source-mapped stack traces, as the image runs it). */
  argsOf(service: string): string[];
  remove(): void;
}

/**
 * The services' production bundles (`npm run build`'s tools/bundle-service.ts), built side by side for one topology
 * in a fresh folder under .tmp: inside the repository, so that they load the root node_modules as dist/<name>/main.js
 * does. A bundle starts on about 40% less CPU than the same sources through tsx (orders: 1.3 s against 2.2 s), which
 * every platform start and every crash test's restart pays once per service.
 */
export async function bundleServices(services: string[]): Promise<ServiceBundles> {
  mkdirSync(join(repoRoot, '.tmp'), { recursive: true });
  const outRoot = mkdtempSync(join(repoRoot, '.tmp', 'dapr-bundles-'));
  const remove = () => rmSync(outRoot, { recursive: true, force: true });
  try {
    const built = new Map(
      (await Promise.all([...new Set(services)].map((service) => bundleService(service, outRoot)))).map((bundle) => [
        bundle.service,
        bundle.outFile,
      ]),
    );
    return {
      argsOf(service) {
        const outFile = built.get(service);
        if (!outFile) throw new Error(`${service} was not bundled`);
        return ['--enable-source-maps', outFile];
      },
      remove,
    };
  } catch (error) {
    remove();
    throw error;
  }
}

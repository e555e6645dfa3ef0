// Builds the base images (cached by the hash of their inputs) and every service's image, once, before the checks.
import { execFileSync } from 'node:child_process';
import { repoRoot, testTag } from './podman';

export default function buildImages(): void {
  const started = Date.now();
  execFileSync('bash', ['tools/containers/build-images.sh', '--tag', testTag], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  console.log(`\nimages built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

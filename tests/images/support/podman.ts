import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..');
/** The tag the suite builds its images under, apart from an operator's. */
export const testTag = 'images-test';

let environment: NodeJS.ProcessEnv | undefined;
/** The environment tools/containers/env.sh sets: the project's Podman settings and image store. */
export function podmanEnvironment(): NodeJS.ProcessEnv {
  environment ??= JSON.parse(
    execFileSync('bash', ['-c', '. tools/containers/env.sh && node -p "JSON.stringify(process.env)"'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }),
  ) as NodeJS.ProcessEnv;
  return environment;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}
export function podman(...args: string[]): Run {
  const result = spawnSync('podman', args, { env: podmanEnvironment(), encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../../..');
const buildScript = join(repoRoot, 'tools', 'build-deploy-tools.sh');

/** What tools/build-deploy-tools.sh prints: the built tools and the schema directory. */
export interface DeployTools {
  helm: string;
  kubeconform: string;
  deployCheck: string;
  schemas: string;
  kubernetesVersion: string;
}

/**
 * The deployment-check tools: from SHOP_DEPLOY_TOOLS (the global setup resolves them once for every
 * worker), else from the build script, which builds them from Go modules when they are not cached.
 */
export function deployTools(): DeployTools {
  if (process.env.SHOP_DEPLOY_TOOLS) return JSON.parse(process.env.SHOP_DEPLOY_TOOLS) as DeployTools;
  let output: string;
  try {
    output = execFileSync('bash', [buildScript], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (error) {
    throw new Error(
      `The deployment checks need helm, kubeconform and deploy-check, which ${buildScript} builds from Go modules, ` +
        `and it failed (${(error as Error).message}). Install Go >= 1.26.8 with the Go module proxy reachable, ` +
        'then run: bash tools/build-deploy-tools.sh',
    );
  }
  const tools = JSON.parse(output) as DeployTools;
  process.env.SHOP_DEPLOY_TOOLS = JSON.stringify(tools);
  return tools;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: { input?: string; cwd?: string } = {}): RunResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? repoRoot,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

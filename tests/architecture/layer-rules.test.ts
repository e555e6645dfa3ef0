import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

// `npm run lint:layers` (run by tools/test.sh) checks the real tree; this proves the rules it runs catch what they
// are meant to catch: each bad import planted in a throw-away service is reported by the rule that forbids it,
// and the imports the layers are meant to make are not.
const run = promisify(execFile);
const repo = resolve(__dirname, '../..');
const depcruise = join(repo, 'node_modules/.bin/depcruise');
const config = join(repo, '.dependency-cruiser.cjs');

/** Writes the files into a fresh directory laid out as this repository is. */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'layers-'));
  const all: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true } }),
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

/**
 * Runs the check as `npm run lint:layers` does (its default `err` report, whose exit status fails the build) and
 * reads the violations it reports: `error <rule>: <from> → <to>`.
 */
async function cruise(root: string): Promise<{ exitCode: number; violations: string[][] }> {
  let exitCode = 0;
  let stdout: string;
  try {
    ({ stdout } = await run(depcruise, ['services', '--config', config], { cwd: root }));
  } catch (error) {
    ({ code: exitCode, stdout } = error as { code: number; stdout: string });
  }
  const violations = [...stdout.matchAll(/^\s*error (\S+): (\S+) → /gm)].map((match) => [
    match[1] as string,
    match[2] as string,
  ]);
  return { exitCode, violations };
}

const service = 'services/shop/src';
const sound: Record<string, string> = {
  [`${service}/domain/order.ts`]: 'export interface Order { id: string }\n',
  [`${service}/application/ports.ts`]:
    "import type { Order } from '../domain/order';\nexport interface Orders { byId(id: string): Promise<Order | null> }\n",
  [`${service}/application/find-order.ts`]:
    "import type { Orders } from './ports';\nexport const findOrder = (orders: Orders, id: string) => orders.byId(id);\n",
  [`${service}/infrastructure/store.ts`]:
    "import type { Orders } from '../application/ports';\nexport const orders: Orders = { byId: async () => null };\n",
  [`${service}/http/routes.ts`]:
    "import { findOrder } from '../application/find-order';\nexport const routes = [findOrder];\n",
  [`${service}/subscriptions/consumer.ts`]:
    "import { findOrder } from '../application/find-order';\nexport const consumers = [findOrder];\n",
  [`${service}/service.ts`]:
    "import { routes } from './http/routes';\nimport { orders } from './infrastructure/store';\nexport const parts = [routes, orders];\n",
  'services/other/src/domain/thing.ts': 'export const thing = 1;\n',
};

describe('the layer rules (.dependency-cruiser.cjs)', () => {
  const roots: string[] = [];
  afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

  it('pass a service whose dependencies point inward', async () => {
    const root = await tree(sound);
    roots.push(root);
    expect(await cruise(root)).toEqual({ exitCode: 0, violations: [] });
  });

  it.each([
    [
      'domain-is-innermost',
      `${service}/domain/bad.ts`,
      "import { findOrder } from '../application/find-order';\nexport const bad = findOrder;\n",
    ],
    [
      'application-uses-ports',
      `${service}/application/bad.ts`,
      "import { orders } from '../infrastructure/store';\nexport const bad = orders;\n",
    ],
    [
      'application-has-no-orm',
      `${service}/application/bad.ts`,
      "import type { EntityManager } from 'typeorm';\nexport type Bad = EntityManager;\n",
    ],
    [
      'http-does-not-reach-infrastructure',
      `${service}/http/bad.ts`,
      "import { orders } from '../infrastructure/store';\nexport const bad = orders;\n",
    ],
    [
      'subscriptions-do-not-reach-http',
      `${service}/subscriptions/bad.ts`,
      "import { routes } from '../http/routes';\nexport const bad = routes;\n",
    ],
    [
      'no-service-imports-another',
      `${service}/application/bad.ts`,
      "import { thing } from '../../../other/src/domain/thing';\nexport const bad = thing;\n",
    ],
  ])('fail on a planted violation of %s, naming the file', async (rule, file, text) => {
    const root = await tree({ ...sound, [file]: text });
    roots.push(root);
    const { exitCode, violations } = await cruise(root);
    expect(exitCode).not.toBe(0);
    expect(violations).toEqual([[rule, file]]);
  });
});

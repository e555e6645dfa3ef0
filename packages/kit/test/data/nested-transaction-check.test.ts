import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = join(__dirname, '../../../..');

/**
 * From Node 24 AsyncLocalStorage runs on V8's context frames instead of async hooks, so the probe below would see
 * no hooks whether the check is on or not; this flag gives it back the hooks it has on Node 20 and 22, where
 * their cost is paid.
 */
const hooksBackedStorage = Number(process.versions.node.split('.')[0]) >= 24 ? ['--no-async-context-frame'] : [];

/**
 * Commits a transaction on SQLite in a fresh process with NODE_ENV as given, then (when asked) tries one nested
 * in another, and answers what it saw: the rows written, how the nested one ended, and whether promises got
 * async ids of their own, which they do only once something has turned on Node's async hooks (whose cost every
 * promise of the process then pays).
 */
async function transactionsUnder(nodeEnv: string, options: { nest: boolean }) {
  const script = `
    const { executionAsyncId } = require('node:async_hooks');
    const { transaction } = require('./packages/kit/src/data');
    const { openWidgets, newWidget, WidgetEntity } = require('./packages/kit/test/data/support/widgets');
    (async () => {
      const db = await openWidgets('sqlite::memory:');
      await transaction(db, (tx) => tx.manager.insert(WidgetEntity, newWidget()));
      const rows = await db.manager.count(WidgetEntity);
      const nested = ${options.nest}
        ? await transaction(db, async () => transaction(db, async () => 'inner')).then(
            () => 'allowed',
            (error) => (/pass the outer tx/.test(String(error)) ? 'refused' : String(error)),
          )
        : 'not tried';
      await null;
      const first = executionAsyncId();
      await null;
      const promisesHaveIds = executionAsyncId() !== first;
      await db.destroy();
      console.log(JSON.stringify({ rows, nested, promisesHaveIds }));
    })().catch((error) => { console.error(error); process.exit(1); });
  `;
  const { stdout } = await run(process.execPath, [...hooksBackedStorage, '--import', 'tsx', '-e', script], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: nodeEnv },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

describe('the nested-transaction check', () => {
  it('refuses a transaction nested in another in the test suite', async () => {
    expect(await transactionsUnder('test', { nest: true })).toEqual({
      rows: 1,
      nested: 'refused',
      promisesHaveIds: true,
    });
  });

  it.each(['development', 'production'])(
    'is off under NODE_ENV=%s (npm start, the images), so no promise of the process pays for async hooks',
    async (nodeEnv) => {
      // Not nested here: without the check, a nested transaction on SQLite would wait on itself.
      expect(await transactionsUnder(nodeEnv, { nest: false })).toEqual({
        rows: 1,
        nested: 'not tried',
        promisesHaveIds: false,
      });
    },
  );
});

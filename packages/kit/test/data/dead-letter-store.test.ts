import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDeadLetterStore } from './support/dead-letter-contract';

describeDeadLetterStore('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dead-letter-store-'));
  return {
    url: `sqlite:${join(dir, 'store.sqlite')}`,
    stop: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assessmentContract } from './support/assessment-contract';

assessmentContract('SQLite', async () => ({
  url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'fraud-')), 'fraud.sqlite')}`,
  close: async () => {},
}));

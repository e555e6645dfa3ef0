import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { openDataSource } from '../../src/data';
import { createLogger } from '../../src/log/logger';
import { CreateWidgets1732200000000, WidgetEntity } from './support/widgets';

const debugLevel = 20;

describe('the migration chatter', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kit-migration-log-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function typeormRecordsOfAStart(): Promise<Array<{ level: number; msg: string }>> {
    const stream = new PassThrough();
    const records: Array<{ level: number; msg: string; component?: string }> = [];
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) records.push(JSON.parse(line));
    });
    const dataSource = await openDataSource(`sqlite:${join(dir, 'widgets.sqlite')}`, {
      entities: [WidgetEntity],
      migrations: [CreateWidgets1732200000000],
      logger: createLogger({ name: 'test', level: 'trace', stream }),
      lockName: 'widgets',
    });
    await dataSource.destroy();
    return records.filter((record) => record.component === 'typeorm' && record.msg !== 'query');
  }

  it('is logged at debug, on the first start (migrations run) and on the next (none pending)', async () => {
    const first = await typeormRecordsOfAStart();
    expect(first.map((record) => record.msg)).toContain(
      'Migration CreateWidgets1732200000000 has been executed successfully.',
    );
    expect(first.every((record) => record.level === debugLevel)).toBe(true);

    const again = await typeormRecordsOfAStart();
    expect(again.map((record) => record.msg)).toContain('No migrations are pending');
    expect(again.every((record) => record.level === debugLevel)).toBe(true);
  });
});

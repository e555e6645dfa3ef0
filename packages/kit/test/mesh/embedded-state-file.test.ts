import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/log/logger';
import { EmbeddedBus } from '../../src/mesh/embedded';
import { EtagMismatchError } from '../../src/mesh/port';

// `npm start` keeps the apps' state in a file beside the services' databases, so a restart keeps carts (and all
// else the state store holds) as Redis does in the Dapr topology: here, a new bus on the same file is a restart.

const logger = createLogger({ name: 'embedded-state-file', level: 'fatal' });
let dir: string;
let file: string;
const open: EmbeddedBus[] = [];

function busOnFile(): EmbeddedBus {
  const bus = new EmbeddedBus({ logger, stateFile: file });
  open.push(bus);
  return bus;
}

async function restart(bus: EmbeddedBus): Promise<EmbeddedBus> {
  await bus.close();
  return busOnFile();
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'state-file-'));
  file = join(dir, 'state.sqlite');
});

afterEach(async () => {
  for (const bus of open.splice(0)) await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

it('keeps every app its own entries, values and versions across a restart', async () => {
  const before = busOnFile();
  await before.meshFor('cart').state.save('customer-cart:1', { lines: [{ productId: 'p', quantity: 2 }] });
  await before.meshFor('cart').state.save('customer-cart:1', { lines: [{ productId: 'p', quantity: 3 }] });
  await before.meshFor('identity').state.save('customer-cart:1', 'identity’s own');
  const etagBefore = (await before.meshFor('cart').state.get('customer-cart:1'))?.etag;

  const after = await restart(before);
  const entry = await after.meshFor('cart').state.get<{ lines: unknown[] }>('customer-cart:1');
  expect(entry).toEqual({ value: { lines: [{ productId: 'p', quantity: 3 }] }, etag: etagBefore });
  expect((await after.meshFor('identity').state.get('customer-cart:1'))?.value).toBe('identity’s own');
  // The version goes on from where it was: an ETag read before the restart still guards the next write.
  await after.meshFor('cart').state.save('customer-cart:1', { lines: [] }, { etag: etagBefore });
  await expect(
    after.meshFor('cart').state.save('customer-cart:1', { lines: [] }, { etag: etagBefore }),
  ).rejects.toBeInstanceOf(EtagMismatchError);
});

it('forgets across a restart what was deleted, and what expired while it was down', async () => {
  const before = busOnFile();
  const state = before.meshFor('cart').state;
  await state.save('deleted', 1);
  await state.delete('deleted');
  await state.save('short-lived', 2, { ttlSeconds: 1 });
  await state.save('long-lived', 3, { ttlSeconds: 3600 });
  await before.close();
  await new Promise((resolve) => setTimeout(resolve, 1_100));

  const after = busOnFile();
  const restored = after.meshFor('cart').state;
  expect(await restored.getBulk(['deleted', 'short-lived', 'long-lived'])).toEqual([
    undefined,
    undefined,
    { value: 3, etag: '1' },
  ]);
  // A create-only-if-absent sees the restored entry.
  await expect(restored.save('long-lived', 4, { ifAbsent: true })).rejects.toBeInstanceOf(EtagMismatchError);
});

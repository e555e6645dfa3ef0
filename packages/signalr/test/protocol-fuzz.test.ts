import { type HubMessage, jsonHubProtocol, messagePackHubProtocol, ProtocolError } from '../src';
import { HandshakeReader } from '../src/protocol/handshake';
import type { HubProtocol } from '../src/protocol/hub-protocol';

/** mulberry32: a small seeded generator, so that every run feeds the same inputs and a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed = 0x5eed_2024;

const valid: HubMessage[] = [
  { type: 1, invocationId: '12', target: 'SubscribeProduct', arguments: ['3f2504e0-4f89-41d3-9a0c-0305e82c3301'] },
  { type: 1, target: 'Send', arguments: [{ a: [1, 2.5, 'x', null, true] }], headers: { k: 'v' } },
  { type: 2, invocationId: '1', item: 'item' },
  { type: 3, invocationId: '1', result: { ok: true } },
  { type: 3, invocationId: '1', error: 'nope' },
  { type: 4, invocationId: '2', target: 'Counter', arguments: [5, 10], streamIds: ['3'] },
  { type: 5, invocationId: '2' },
  { type: 6 },
  { type: 7, error: 'x', allowReconnect: true },
  { type: 8, sequenceId: 42 },
  { type: 9, sequenceId: 1 },
];

function mutate(next: () => number, input: Buffer): Buffer {
  const bytes = Buffer.from(input);
  const pick = (max: number) => Math.floor(next() * max);
  switch (pick(6)) {
    case 0: // flip a few bits
      for (let flips = 1 + pick(4); flips > 0; flips--) {
        const at = pick(bytes.length);
        bytes[at] = (bytes[at] as number) ^ (1 << pick(8));
      }
      return bytes;
    case 1: // cut short
      return bytes.subarray(0, pick(bytes.length));
    case 2: // random bytes inserted
      return Buffer.concat([bytes.subarray(0, pick(bytes.length)), randomBytes(next, 1 + pick(8)), bytes]);
    case 3: // a byte replaced by a boundary value
      bytes[pick(bytes.length)] = [0x00, 0x1e, 0x7f, 0x80, 0xc1, 0xdd, 0xff][pick(7)] as number;
      return bytes;
    case 4: // duplicated tail
      return Buffer.concat([bytes, bytes.subarray(pick(bytes.length))]);
    default: // pure noise
      return randomBytes(next, 1 + pick(64));
  }
}

function randomBytes(next: () => number, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
}

/** Feeds `input` in random chunks; the reader must answer messages or throw ProtocolError, nothing else. */
function feed(protocol: HubProtocol, next: () => number, input: Buffer): 'parsed' | 'refused' {
  const reader = protocol.createReader(4_096);
  try {
    let offset = 0;
    while (offset < input.length) {
      const size = 1 + Math.floor(next() * 32);
      for (const message of reader.push(input.subarray(offset, offset + size))) {
        expect(typeof message.type).toBe('number');
      }
      offset += size;
    }
    return 'parsed';
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    return 'refused';
  }
}

describe.each([jsonHubProtocol, messagePackHubProtocol])('fuzzing the $name reader (seed 0x5eed2024)', (protocol) => {
  it('parses or refuses every mutated and random input, never failing otherwise', () => {
    const next = random(seed);
    const outcomes = { parsed: 0, refused: 0 };
    const frames = valid.map((message) => protocol.write(message));
    for (let round = 0; round < 5_000; round++) {
      const base = frames[Math.floor(next() * frames.length)] as Buffer;
      const several = Buffer.concat([base, frames[Math.floor(next() * frames.length)] as Buffer]);
      outcomes[feed(protocol, next, mutate(next, next() < 0.5 ? base : several))]++;
    }
    // Both outcomes occur: the mutations reach past the framing into the message reader.
    expect(outcomes.parsed).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(100);
  });

  it('still reads every valid message after any chunking', () => {
    const next = random(seed + 1);
    const stream = Buffer.concat(valid.map((message) => protocol.write(message)));
    for (let round = 0; round < 500; round++) {
      const reader = protocol.createReader(4_096);
      const parsed: HubMessage[] = [];
      for (let offset = 0; offset < stream.length; ) {
        const size = 1 + Math.floor(next() * 40);
        parsed.push(...reader.push(stream.subarray(offset, offset + size)));
        offset += size;
      }
      expect(parsed).toEqual(valid);
    }
  });
});

describe('fuzzing the handshake reader (seed 0x5eed2024)', () => {
  it('answers a request, waits for more, or refuses: nothing else', () => {
    const next = random(seed + 2);
    const requests = ['{"protocol":"json","version":1}\u001e', '{"protocol":"messagepack","version":2}\u001e'].map(
      (text) => Buffer.from(text),
    );
    const outcomes = { read: 0, waiting: 0, refused: 0 };
    for (let round = 0; round < 5_000; round++) {
      const input = mutate(next, requests[Math.floor(next() * requests.length)] as Buffer);
      const reader = new HandshakeReader(1_024);
      try {
        const done = reader.push(input);
        if (done) {
          expect(typeof done.request.protocol).toBe('string');
          expect(Number.isInteger(done.request.version)).toBe(true);
          outcomes.read++;
        } else {
          outcomes.waiting++;
        }
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        outcomes.refused++;
      }
    }
    expect(outcomes.read).toBeGreaterThan(100);
    expect(outcomes.waiting).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(100);
  });
});

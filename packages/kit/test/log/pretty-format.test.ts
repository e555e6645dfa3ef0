import { PassThrough } from 'node:stream';
import { createLogger } from '../../src/log/logger';
import { formatRecord, resolveLogFormat, wantsColor } from '../../src/log/pretty-format';
import { redactedMarker } from '../../src/log/redact';

const at = new Date('2026-12-07T18:31:02.123Z');
const record = (fields: Record<string, unknown>) => ({
  v: 0,
  name: 'shop',
  hostname: 'box',
  pid: 42,
  time: at,
  level: 30,
  msg: '',
  ...fields,
});

/** What a logger wrote to its stream, line by line. */
function capture(options: Parameters<typeof createLogger>[0] extends infer O ? Omit<O & object, 'stream'> : never) {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  return { log: createLogger({ ...options, stream }), lines };
}

describe('the readable log line', () => {
  it('shows the time, the level, where it comes from, the message and the other fields on one line', () => {
    const line = formatRecord(
      record({ service: 'catalog', msg: 'product created', productId: 'p-1', sku: 'TEA-01', req_id: 'r1' }),
      { color: false },
    );
    expect(line).toBe('18:31:02.123 INFO  catalog product created productId=p-1 sku=TEA-01');
  });

  it('reads a request line as method, route, status and duration', () => {
    const line = formatRecord(
      record({ method: 'GET', route: '/api/products/:id', status: 200, duration_ms: 3.1, msg: 'request' }),
      { color: false },
    );
    expect(line).toBe('18:31:02.123 INFO  GET /api/products/:id 200 3.1 ms');
  });

  it('shows the request and trace ids when asked (debug), and quotes values with spaces', () => {
    const line = formatRecord(record({ level: 20, msg: 'delivered', req_id: 'r1', topic: 'a b' }), {
      color: false,
      ids: true,
    });
    expect(line).toBe('18:31:02.123 DEBUG delivered req_id=r1 topic="a b"');
  });

  it('cuts long values short and puts an error stack on the lines below', () => {
    const error = new Error('boom');
    const line = formatRecord(
      record({ level: 50, msg: 'failed', detail: 'x'.repeat(200), err: { message: 'boom', stack: error.stack } }),
      { color: false },
    );
    const [first, second] = line.split('\n');
    expect(first).toBe(`18:31:02.123 ERROR failed detail=${'x'.repeat(79)}…`);
    expect(second).toBe('    Error: boom');
  });

  it('colours the level by its severity, and nothing when colour is off', () => {
    const warn = formatRecord(record({ level: 40, msg: 'slow' }), { color: true });
    const error = formatRecord(record({ level: 50, msg: 'down' }), { color: true });
    expect(warn).toContain('\u001b[33mWARN \u001b[39m');
    expect(error).toContain('\u001b[31mERROR\u001b[39m');
    expect(formatRecord(record({ level: 40, msg: 'slow' }), { color: false })).not.toContain('\u001b[');
  });

  it('is what a pretty logger writes, redacted like the JSON lines', () => {
    const { log, lines } = capture({ name: 'shop', format: 'pretty', color: false });
    log.child({ component: 'mesh' }).info({ password: 'hunter2', topic: 'orders' }, 'paid with 4242 4242 4242 4242');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}mesh paid with \[REDACTED\] password=\[REDACTED\] topic=orders$/,
    );
    expect(lines[0]).toContain(redactedMarker);
  });

  it('stays JSON lines when no format is asked for', () => {
    const { log, lines } = capture({ name: 'shop' });
    log.info({ topic: 'orders' }, 'hello');
    expect(JSON.parse(lines[0] as string)).toMatchObject({ name: 'shop', level: 30, msg: 'hello', topic: 'orders' });
  });
});

describe('which format a process logs in', () => {
  it('is readable on a terminal and JSON on a pipe or a file', () => {
    expect(resolveLogFormat({ NODE_ENV: 'development' }, { isTTY: true })).toBe('pretty');
    expect(resolveLogFormat({ NODE_ENV: 'development' }, { isTTY: false })).toBe('json');
    expect(resolveLogFormat({}, {})).toBe('json');
  });

  it('is always JSON in production, unless LOG_FORMAT says otherwise', () => {
    expect(resolveLogFormat({ NODE_ENV: 'production' }, { isTTY: true })).toBe('json');
    expect(resolveLogFormat({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }, { isTTY: false })).toBe('pretty');
    expect(resolveLogFormat({ NODE_ENV: 'development', LOG_FORMAT: 'json' }, { isTTY: true })).toBe('json');
  });

  it('colours only a colour terminal, never with NO_COLOR, always with FORCE_COLOR', () => {
    const terminal = Object.assign(new PassThrough(), { hasColors: () => true });
    expect(wantsColor(terminal, {})).toBe(true);
    expect(wantsColor(terminal, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor(new PassThrough(), {})).toBe(false);
    expect(wantsColor(new PassThrough(), { FORCE_COLOR: '1' })).toBe(true);
  });
});

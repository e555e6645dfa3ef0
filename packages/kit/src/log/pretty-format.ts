import { inspect } from 'node:util';

/** How log records are written: bunyan's JSON lines, or one short human-readable line each. */
export type LogFormat = 'json' | 'pretty';

type Style = keyof typeof inspect.colors | Array<keyof typeof inspect.colors>;

const levels: Record<number, { label: string; style: Style }> = {
  10: { label: 'TRACE', style: 'gray' },
  20: { label: 'DEBUG', style: 'cyan' },
  30: { label: 'INFO ', style: 'green' },
  40: { label: 'WARN ', style: 'yellow' },
  50: { label: 'ERROR', style: 'red' },
  60: { label: 'FATAL', style: ['bgRed', 'white'] },
};

/** bunyan's own fields, and the request id every request's line would repeat: shown by position or not at all. */
const hiddenFields = new Set(['v', 'level', 'name', 'hostname', 'pid', 'time', 'msg', 'err', 'src']);
const idFields = new Set(['req_id']);
/** Shown last, dimmed, on every line that has them: what finds the line's trace (and the other lines of its request). */
const traceFields = ['trace_id', 'span_id'] as const;
/** Fields that say where a record comes from, shown before the message (the first present wins). */
const sourceFields = ['service', 'component', 'appId'] as const;
/** A field's value longer than this is cut: a line is for reading, the JSON format keeps everything. */
const maxValueChars = 80;

export interface PrettyFormatOptions {
  color: boolean;
  /** Show the request id too (LOG_LEVEL debug or trace, where one follows a request); trace ids are always shown. */
  ids?: boolean;
}

/**
 * ANSI colours from Node's own table (util.inspect.colors). Not util.styleText: it decides by itself whether
 * process.stdout takes colours, and the logger may write to another stream; wantsColor decides here.
 */
function paint(style: Style, text: string, color: boolean): string {
  if (!color || text === '') return text;
  const names: Array<keyof typeof inspect.colors> = Array.isArray(style) ? style : [style];
  return names.reduce<string>((inner, name) => {
    const [open, close] = inspect.colors[name] ?? [0, 0];
    return `\u001b[${open}m${inner}\u001b[${close}m`;
  }, text);
}

function clockTime(time: unknown): string {
  const date = time instanceof Date ? time : new Date(typeof time === 'string' ? time : Date.now());
  return Number.isNaN(date.getTime()) ? '--:--:--.---' : date.toISOString().slice(11, 23);
}

function fieldValue(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const shown = text.length > maxValueChars ? `${text.slice(0, maxValueChars - 1)}…` : text;
  return typeof value === 'string' && /[\s"=]/.test(shown) ? JSON.stringify(shown) : shown;
}

function errorLines(err: unknown): string {
  if (err === undefined || err === null) return '';
  const stack = typeof err === 'object' && 'stack' in err && typeof err.stack === 'string' ? err.stack : String(err);
  return `\n    ${stack.split('\n').join('\n    ')}`;
}

/**
 * One bunyan record as one short line: `time LEVEL source message key=value…`, the level coloured. A request's line
 * (method, route, status, duration_ms) reads `GET /api/products/:id 200 3.1 ms`. An error's stack follows on
 * indented lines: that is the one thing a reader needs whole.
 */
export function formatRecord(record: Record<string, unknown>, options: PrettyFormatOptions): string {
  const level = levels[record.level as number] ?? { label: String(record.level).padEnd(5), style: 'white' };
  const source = sourceFields.map((field) => record[field]).find((value) => typeof value === 'string') as
    | string
    | undefined;
  const shown = new Set<string>([...hiddenFields, ...sourceFields, ...traceFields]);
  if (!options.ids) for (const field of idFields) shown.add(field);

  let message = typeof record.msg === 'string' ? record.msg : '';
  const { method, route, path, status, duration_ms: durationMs } = record;
  if (typeof method === 'string' && typeof status === 'number' && typeof durationMs === 'number') {
    message = `${method} ${typeof route === 'string' ? route : path} ${status} ${durationMs} ms${message === 'request' ? '' : ` ${message}`}`;
    for (const field of ['method', 'route', 'path', 'status', 'duration_ms']) shown.add(field);
  }
  const fields = Object.entries(record)
    .filter(([key, value]) => !shown.has(key) && value !== undefined)
    .map(([key, value]) => `${paint('gray', `${key}=`, options.color)}${fieldValue(value)}`);
  const traceIds = traceFields
    .filter((field) => typeof record[field] === 'string')
    .map((field) => paint('gray', `${field}=${record[field]}`, options.color));

  const parts = [
    paint('gray', clockTime(record.time), options.color),
    paint(level.style, level.label, options.color),
    ...(source ? [paint('bold', source, options.color)] : []),
    message,
    ...fields,
    ...traceIds,
  ];
  return `${parts.filter((part) => part !== '').join(' ')}${paint(level.style, errorLines(record.err), options.color)}`;
}

/** The variables that decide the format (LOG_FORMAT wins; production is JSON; a terminal gets the readable one). */
export interface LogFormatSettings {
  LOG_FORMAT?: LogFormat;
  NODE_ENV?: string;
}

/**
 * JSON lines wherever a machine reads the logs (a pipe, a file, a container's log driver, production), the readable
 * lines where a person watches a terminal. The images set LOG_FORMAT=json, so a container is JSON even on `-t`.
 */
export function resolveLogFormat(settings: LogFormatSettings, output: { isTTY?: boolean }): LogFormat {
  if (settings.LOG_FORMAT) return settings.LOG_FORMAT;
  if (settings.NODE_ENV === 'production') return 'json';
  return output.isTTY === true ? 'pretty' : 'json';
}

/** Colour only on a terminal that has it and when NO_COLOR (no-color.org) is not set. */
export function wantsColor(output: NodeJS.WritableStream & { hasColors?(): boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return typeof output.hasColors === 'function' && output.hasColors();
}

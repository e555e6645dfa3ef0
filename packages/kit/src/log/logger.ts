import bunyan from 'bunyan';
import { formatRecord, type LogFormat, resolveLogFormat, wantsColor } from './pretty-format';
import { redact } from './redact';

export type Logger = bunyan;

export interface LoggerOptions {
  name: string;
  level?: bunyan.LogLevelString;
  /** Defaults to stdout; tests pass a stream to read what was logged. */
  stream?: NodeJS.WritableStream;
  /** JSON lines (the default) or one readable line per record (resolveLogFormat decides which for a process). */
  format?: LogFormat;
  /** Colours in the readable format; defaults to whether the stream is a colour terminal (and NO_COLOR unset). */
  color?: boolean;
}

/**
 * The one logger: bunyan, with secrets redacted from every field before they are written, as JSON lines or as
 * readable lines for a terminal (same records, same redaction).
 */
export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? 'info';
  const target = options.stream ?? process.stdout;
  const write =
    options.format === 'pretty'
      ? prettyWriter(target, {
          color: options.color ?? wantsColor(target, process.env),
          ids: bunyan.resolveLevel(level) <= bunyan.DEBUG,
        })
      : (record: object) => target.write(`${JSON.stringify(redact(record))}\n`);
  return bunyan.createLogger({
    name: options.name,
    level,
    streams: [{ type: 'raw', stream: { write }, level }],
    serializers: { err: bunyan.stdSerializers.err },
  });
}

function prettyWriter(target: NodeJS.WritableStream, options: { color: boolean; ids: boolean }) {
  return (record: object) => target.write(`${formatRecord(redact(record) as Record<string, unknown>, options)}\n`);
}

/** The logger of a process's entry point: its level from LOG_LEVEL, its format by resolveLogFormat on stdout. */
export function createProcessLogger(
  name: string,
  config: { LOG_LEVEL?: bunyan.LogLevelString; LOG_FORMAT?: LogFormat; NODE_ENV?: string },
): Logger {
  return createLogger({
    name,
    ...(config.LOG_LEVEL ? { level: config.LOG_LEVEL } : {}),
    format: resolveLogFormat(config, process.stdout),
  });
}

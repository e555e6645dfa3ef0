import bunyan from 'bunyan';
import { activeTraceContext, tracingStarted } from '../tracing/tracing';
import { formatRecord, type LogFormat, resolveLogFormat, wantsColor } from './pretty-format';
import { redactRecord } from './redact';

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
      : (record: object) => target.write(`${JSON.stringify(redactRecord(withTraceIds(record)))}\n`);
  return bunyan.createLogger({
    name: options.name,
    level,
    streams: [{ type: 'raw', stream: { write }, level }],
    serializers: { err: bunyan.stdSerializers.err },
  });
}

function prettyWriter(target: NodeJS.WritableStream, options: { color: boolean; ids: boolean }) {
  return (record: object) => target.write(`${formatRecord(redactRecord(withTraceIds(record)), options)}\n`);
}

/**
 * A line written inside a traced request or delivery carries its trace and span ids even when it was logged through
 * a logger made before the request (a service's adapters log through the service's own): taken from the active
 * OpenTelemetry context as the line is written. Loggers of a request or a delivery carry them already (child
 * fields), which is how lines carry them with tracing off too.
 */
function withTraceIds(record: object): object {
  if ((record as { trace_id?: unknown }).trace_id !== undefined || !tracingStarted()) return record;
  const trace = activeTraceContext();
  return trace ? { ...record, trace_id: trace.traceId, span_id: trace.spanId } : record;
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

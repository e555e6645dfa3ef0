import bunyan from 'bunyan';
import { redact } from './redact';

export type Logger = bunyan;

export interface LoggerOptions {
  name: string;
  level?: bunyan.LogLevelString;
  /** Defaults to stdout; tests pass a stream to read what was logged. */
  stream?: NodeJS.WritableStream;
}

/** The one logger: bunyan JSON lines, with secrets redacted from every field before they are written. */
export function createLogger(options: LoggerOptions): Logger {
  return bunyan.createLogger({
    name: options.name,
    level: options.level ?? 'info',
    streams: [
      { type: 'raw', stream: redactingStream(options.stream ?? process.stdout), level: options.level ?? 'info' },
    ],
    serializers: { err: bunyan.stdSerializers.err },
  });
}

function redactingStream(target: NodeJS.WritableStream): bunyan.WriteFn {
  return {
    write(record: object) {
      target.write(`${JSON.stringify(redact(record))}\n`);
    },
  };
}

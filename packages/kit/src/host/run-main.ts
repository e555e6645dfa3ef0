import { ConfigError } from '../config/load-config';

/**
 * The end of every process entry point: a start that fails ends the process with exit code 1 and one message on
 * stderr (a bad configuration names each bad variable), instead of an unhandled rejection's stack trace.
 */
export function runMain(start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}

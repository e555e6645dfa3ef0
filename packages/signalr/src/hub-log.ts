/** The logging the protocol library needs; a bunyan logger fits it. */
export interface HubLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * Bytes a peer sent that break the hub protocol (bad framing, bad JSON or MessagePack, a message of the wrong
 * shape, a record over the size limit): the connection that sent them is closed with this message as the error.
 */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

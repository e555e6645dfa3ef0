import { connect } from 'node:net';

/** What a misbehaving client does to a WebSocket upgrade, each of which once brought the gateway down. */
export const socketAbuses = ['reset-mid-handshake', 'reset-mid-stream', 'half-close', 'garbage'] as const;
export type SocketAbuse = (typeof socketAbuses)[number];

export interface AbusedUpgrade {
  host: string;
  port: number;
  /** The whole upgrade request (request line, headers, blank line). */
  request: string;
  /** Sent once the upgrade was answered, before the reset (a frame, so the stream is busy both ways). */
  afterUpgrade?: Buffer;
}

/** A raw WebSocket text frame, masked as a client must send it. */
export function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([7, 1, 9, 4]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] as number)));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

/** One connection that abuses an upgrade as `abuse` says and then vanishes with a TCP reset. */
export async function abuseUpgrade(upgrade: AbusedUpgrade, abuse: SocketAbuse): Promise<void> {
  const socket = connect(upgrade.port, upgrade.host);
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  switch (abuse) {
    case 'reset-mid-handshake':
      socket.write(upgrade.request.slice(0, Math.floor(upgrade.request.length / 2)));
      break;
    case 'reset-mid-stream':
      socket.write(upgrade.request);
      await new Promise((resolve) => socket.once('data', resolve));
      if (upgrade.afterUpgrade) socket.write(upgrade.afterUpgrade);
      await pause(3);
      break;
    case 'half-close':
      socket.end(upgrade.request);
      await pause(5);
      break;
    case 'garbage': {
      const [requestLine] = upgrade.request.split('\r\n');
      socket.write(`${requestLine}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\u0000\u0001\r\n\r\n`);
      break;
    }
  }
  socket.resetAndDestroy();
}

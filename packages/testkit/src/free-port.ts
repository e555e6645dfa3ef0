import { createServer } from 'node:net';

/**
 * Ports this process handed out lately. A port is only free until whoever asked for it binds it, which may be much
 * later (a topology chooses every app port before it starts the sidecars), and the OS hands the same port out
 * again meanwhile: a sidecar would then take an app's port. So a recent port is never handed out twice. Bounded:
 * a port is at risk for seconds, and a long test process asks for thousands.
 */
const recentlyHandedOut = new Set<number>();
const rememberedPorts = 4096;

function remember(port: number): void {
  recentlyHandedOut.add(port);
  if (recentlyHandedOut.size > rememberedPorts) {
    const oldest = recentlyHandedOut.values().next().value;
    if (oldest !== undefined) recentlyHandedOut.delete(oldest);
  }
}

/** A port this process was told to use (its PORT, chosen by a parent): freePort never hands it out. */
export function keepOut(port: number): void {
  remember(port);
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picked it), and not one handed out lately. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await osFreePort();
    if (recentlyHandedOut.has(port)) continue;
    remember(port);
    return port;
  }
}

function osFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('no port assigned'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port, or rejects after timeoutMs. */
export async function waitForPort(port: number, timeoutMs = 30_000): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

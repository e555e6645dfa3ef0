// What the three broadcast servers of the hub benchmark share, so that they differ only in how they send:
// the message (the inventory hub's StockChanged payload), the timing of the sends, and the commands.
import { answerCommands, type ProcessStats, processStats } from './ipc-commands';

/** The inventory hub's `StockChanged` payload, field for field in the order the hub writes it. */
export interface StockMessage {
  productId: string;
  onHand: number;
  reserved: number;
  available: number;
  at: string;
  version: number;
}

/** Milliseconds on one clock that every process on the machine shares, with sub-millisecond resolution. */
export const nowMs = () => performance.timeOrigin + performance.now();

/** Message `sequence`: it travels as onHand and version, which is how receivers tell the sends apart. */
export function stockMessage(productId: string, sequence: number, sentAtMs: number): StockMessage {
  return {
    productId,
    onHand: sequence,
    reserved: 0,
    available: sequence,
    at: new Date(sentAtMs).toISOString(),
    version: sequence,
  };
}

export interface BroadcastServer {
  /** Sends the message to every connection (the hub: to every subscriber of the product). */
  broadcast(message: StockMessage): void | Promise<void>;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Answers the benchmark's commands: `burst` (sends back to back, yielding to I/O between two), `pace` (sends at a
 * fixed rate and answers when each left), `stats` (this process's memory, CPU and open files, or those of the
 * process that does the sending when that is another one).
 */
export function controlBroadcasts(
  server: BroadcastServer,
  productId: string,
  stats: () => Promise<ProcessStats> = processStats,
  /** The sequence already sent (the hub's first state, which every later change must follow). */
  sentBefore = 0,
): void {
  let sequence = sentBefore;
  const send = async () => {
    sequence += 1;
    const sentAtMs = nowMs();
    await server.broadcast(stockMessage(productId, sequence, sentAtMs));
    return { sequence, sentAtMs };
  };
  answerCommands({
    async burst(args) {
      const first = sequence + 1;
      for (let i = 0; i < Number(args.count); i++) {
        await send();
        await nextTurn();
      }
      return { first, last: sequence };
    },
    async pace(args) {
      const intervalMs = 1_000 / Number(args.perSecond);
      const count = Math.round(Number(args.seconds) * Number(args.perSecond));
      const startMs = nowMs();
      const sent: Array<[number, number]> = [];
      for (let i = 0; i < count; i++) {
        await sleep(startMs + i * intervalMs - nowMs());
        const { sequence: sentSequence, sentAtMs } = await send();
        sent.push([sentSequence, sentAtMs]);
      }
      return sent;
    },
    stats: () => stats(),
  });
}

import { isTrackable } from './protocol/hub-messages';
import { ProtocolError } from './protocol/protocol-error';

/**
 * Stateful reconnect bookkeeping of one connection (HubProtocol.md, "Stateful Reconnect"): outbound trackable
 * messages are numbered from 1 and kept until the client acknowledges them, so that after a dropped WebSocket
 * they can be replayed on the next one; inbound ones are numbered the same way, so that the client's replay
 * is deduplicated.
 */
export class ReconnectState {
  private sentCount = 0;
  private unacked: Array<{ id: number; record: Buffer }> = [];
  private unackedBytes = 0;
  /** False once the replay buffer overflowed: the connection can no longer resume after a drop. */
  private replayable = true;
  private nextReceivedId = 1;
  private latestReceivedId = 0;
  private lastAckedId = 0;
  private waitingForSequence = false;

  constructor(private readonly bufferLimitBytes: number) {}

  get resumable(): boolean {
    return this.replayable;
  }

  /** Numbers an outbound trackable record and keeps it for replay (while the buffer has room). */
  sent(record: Buffer): void {
    this.sentCount++;
    if (!this.replayable) return;
    this.unacked.push({ id: this.sentCount, record });
    this.unackedBytes += record.length;
    if (this.unackedBytes > this.bufferLimitBytes) {
      // The client acknowledges about once a second; one that falls this far behind keeps its connection,
      // but a drop now ends it instead of replaying an unbounded backlog.
      this.replayable = false;
      this.unacked = [];
      this.unackedBytes = 0;
    }
  }

  /** The client has everything up to `sequenceId`. */
  acknowledged(sequenceId: number): void {
    let drop = 0;
    while (drop < this.unacked.length && (this.unacked[drop] as { id: number }).id <= sequenceId) {
      this.unackedBytes -= (this.unacked[drop] as { record: Buffer }).record.length;
      drop++;
    }
    if (drop > 0) this.unacked = this.unacked.slice(drop);
  }

  /**
   * Whether an inbound message of `type` should be processed: after a reconnect nothing is until the client's
   * Sequence message; replayed trackable messages the server already processed are dropped.
   */
  accepts(type: number): boolean {
    if (this.waitingForSequence) return false;
    if (!isTrackable(type)) return true;
    const id = this.nextReceivedId++;
    if (id <= this.latestReceivedId) return false;
    this.latestReceivedId = id;
    return true;
  }

  /** The client's Sequence message: the id of the first message it is about to replay. */
  sequence(sequenceId: number): void {
    if (sequenceId > this.latestReceivedId + 1) {
      throw new ProtocolError("Sequence ID greater than amount of messages we've received.");
    }
    this.nextReceivedId = sequenceId;
    this.waitingForSequence = false;
  }

  /** The Ack to send, if messages arrived since the last one. */
  ackDue(): number | undefined {
    if (this.latestReceivedId <= this.lastAckedId || this.waitingForSequence) return undefined;
    this.lastAckedId = this.latestReceivedId;
    return this.latestReceivedId;
  }

  /** After a new WebSocket took over: our Sequence message, then the records to replay in order. */
  resume(): { sequenceId: number; records: Buffer[] } {
    this.waitingForSequence = true;
    const first = this.unacked[0];
    return { sequenceId: first ? first.id : this.sentCount + 1, records: this.unacked.map((entry) => entry.record) };
  }
}

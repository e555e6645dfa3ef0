// What a Dapr ceiling app received, counted by message id, so the benchmark can prove every message it sent
// arrived exactly once. Ids are `<run>:<sequence>`, the sequence counting from 0 within its run.

export interface RunReceipts {
  /** Distinct ids received. */
  distinct: number;
  /** Receipts of an id already received. */
  duplicates: number;
  /** Ids of 0 … expected-1 never received. */
  missing: number;
  /** Ids outside 0 … expected-1, or not of the `<run>:<sequence>` form. */
  unexpected: number;
  /** HTTP requests that carried them (one per message, or one per batch when delivered in bulk). */
  requests: number;
}

interface RunState {
  seen: Set<number>;
  duplicates: number;
  malformed: number;
  requests: number;
}

export function messageId(run: string, sequence: number): string {
  return `${run}:${sequence}`;
}

export class ReceiptLedger {
  private readonly runs = new Map<string, RunState>();

  /** Records one delivery request and the ids it carried. */
  record(ids: readonly string[]): void {
    const touched = new Set<RunState>();
    for (const id of ids) {
      const separator = id.lastIndexOf(':');
      const run = this.stateOf(separator < 0 ? id : id.slice(0, separator));
      touched.add(run);
      const sequence = separator < 0 ? Number.NaN : Number(id.slice(separator + 1));
      if (!Number.isSafeInteger(sequence) || sequence < 0) run.malformed += 1;
      else if (run.seen.has(sequence)) run.duplicates += 1;
      else run.seen.add(sequence);
    }
    for (const run of touched) run.requests += 1;
  }

  /** How many distinct ids of `run` arrived so far. */
  distinct(run: string): number {
    return this.runs.get(run)?.seen.size ?? 0;
  }

  /** The account of `run` against the `expected` ids 0 … expected-1 that were sent. */
  receipts(run: string, expected: number): RunReceipts {
    const state = this.runs.get(run) ?? { seen: new Set<number>(), duplicates: 0, malformed: 0, requests: 0 };
    let inRange = 0;
    for (const sequence of state.seen) if (sequence < expected) inRange += 1;
    return {
      distinct: state.seen.size,
      duplicates: state.duplicates,
      missing: expected - inRange,
      unexpected: state.seen.size - inRange + state.malformed,
      requests: state.requests,
    };
  }

  private stateOf(run: string): RunState {
    let state = this.runs.get(run);
    if (!state) {
      state = { seen: new Set(), duplicates: 0, malformed: 0, requests: 0 };
      this.runs.set(run, state);
    }
    return state;
  }
}

/** Whether `receipts` show each of the `expected` messages arrived exactly once, and nothing else did. */
export function exactlyOnce(receipts: RunReceipts, expected: number): boolean {
  return receipts.missing === 0 && receipts.duplicates === 0 && receipts.unexpected === 0 && expected > 0;
}

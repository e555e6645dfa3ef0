import type { Mesh } from '../mesh/port';

/** What the identity service says of a login (a refresh-token family): live, with its account, or ended. */
export type SessionState = { active: true; customerId: string } | { active: false };

/** Asks the identity service about a login; throws when it cannot answer. */
export type SessionLookup = (sessionId: string) => Promise<SessionState>;

/** The app that keeps the logins, and the route its session answers are on. */
export const sessionAuthorityAppId = 'identity';
export const sessionRoutePrefix = '/internal/sessions/';

export const defaultSessionCheckSeconds = 30;
/**
 * How long past its freshness an answer may still be used while the identity service cannot be asked. A login
 * revoked during an outage of identity is thus honoured for at most SESSION_CHECK_SECONDS + this.
 */
export const sessionStaleAllowanceSeconds = 60;
const maxCachedSessions = 100_000;

/** Identity could not be asked and no answer recent enough is at hand: the request must wait, not pass. */
export class SessionCheckUnavailableError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    cause?: unknown,
  ) {
    super('the identity service cannot confirm the session', { cause });
    this.name = 'SessionCheckUnavailableError';
  }
}

/** The lookup every service but identity uses: `GET /internal/sessions/:sid` on identity through the mesh. */
export function meshSessionLookup(mesh: Mesh): SessionLookup {
  return async (sessionId) => {
    const answer = await mesh.invoke(sessionAuthorityAppId, `${sessionRoutePrefix}${encodeURIComponent(sessionId)}`, {
      method: 'GET',
    });
    if (answer.status === 404) return { active: false };
    const body = answer.body as { active?: unknown; customerId?: unknown } | undefined;
    if (answer.status === 200 && body?.active === true && typeof body.customerId === 'string') {
      return { active: true, customerId: body.customerId };
    }
    throw new Error(`identity answered ${answer.status} to a session check`);
  };
}

export interface SessionCheckOptions {
  lookup: SessionLookup;
  /** How long an answer is used without asking again: the bound on how long a revoked login keeps working. */
  freshSeconds?: number;
  staleSeconds?: number;
  now?: () => number;
}

interface Cached {
  state: SessionState;
  checkedAt: number;
}

/**
 * Whether a login is still live, asked of the identity service at most once per `freshSeconds` per login (each
 * process keeps its own answers). A failed ask falls back on the last answer for `staleSeconds` more, and past
 * that refuses to decide (SessionCheckUnavailableError) rather than let an unchecked token through.
 */
export class SessionCheck {
  private readonly freshMs: number;
  private readonly staleMs: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, Cached>();
  private readonly asking = new Map<string, Promise<SessionState>>();

  constructor(private readonly options: SessionCheckOptions) {
    this.freshMs = (options.freshSeconds ?? defaultSessionCheckSeconds) * 1000;
    this.staleMs = (options.staleSeconds ?? sessionStaleAllowanceSeconds) * 1000;
    this.now = options.now ?? Date.now;
  }

  /** The seconds an answer is used for, as configured: the revocation bound. */
  get freshSeconds(): number {
    return this.freshMs / 1000;
  }

  async state(sessionId: string): Promise<SessionState> {
    const cached = this.cache.get(sessionId);
    const now = this.now();
    if (cached && now - cached.checkedAt < this.freshMs) return cached.state;
    try {
      return await this.ask(sessionId);
    } catch (error) {
      if (cached && this.now() - cached.checkedAt < this.freshMs + this.staleMs) return cached.state;
      throw new SessionCheckUnavailableError(Math.max(1, Math.ceil(this.freshMs / 1000)), error);
    }
  }

  private ask(sessionId: string): Promise<SessionState> {
    const pending = this.asking.get(sessionId);
    if (pending) return pending;
    const asked = this.options.lookup(sessionId).then((state) => {
      this.remember(sessionId, state);
      return state;
    });
    this.asking.set(sessionId, asked);
    const done = () => this.asking.delete(sessionId);
    asked.then(done, done);
    return asked;
  }

  private remember(sessionId: string, state: SessionState): void {
    this.cache.delete(sessionId);
    this.cache.set(sessionId, { state, checkedAt: this.now() });
    if (this.cache.size > maxCachedSessions) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}

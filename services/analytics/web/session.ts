// The admin's login: the tokens live in memory only (never storage), and the access token is renewed before it
// expires, so a dashboard left open stays signed in while its refresh token lasts.
import { ApiError, problemOf } from './api';

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** Renew this long before the access token expires (its lifetime is at most 15 minutes). */
const renewAheadSeconds = 60;
/**
 * How often the page looks whether renewal is due. It compares the wall clock with the instant the token expires,
 * not a timer set for the whole lifetime: a laptop asleep or a background tab (whose timers browsers slow down)
 * would otherwise wake with an expired token, and a timer counts neither.
 */
const renewalCheckMs = 5_000;

export class NotAnAdminError extends Error {}

function rolesOf(accessToken: string): string[] {
  const payload = accessToken.split('.')[1] ?? '';
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.filter((role): role is string => typeof role === 'string') : [];
  } catch {
    return [];
  }
}

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

export class AdminSession {
  private tokens: Tokens | undefined;
  /** Date.now() from which the tokens are renewed. */
  private renewAt = 0;
  private renewal: ReturnType<typeof setInterval> | undefined;
  private renewing = false;

  /** @param onEnded called when the session cannot be renewed (the dashboard asks to sign in again). */
  constructor(private readonly onEnded: (reason: string) => void) {}

  get accessToken(): string {
    if (!this.tokens) throw new Error('not signed in');
    return this.tokens.accessToken;
  }

  async signIn(email: string, password: string): Promise<void> {
    const response = await post('/api/auth/login', { email, password });
    if (response.status === 401) throw new ApiError(401, 'Wrong email or password.');
    if (!response.ok) throw await problemOf(response);
    const tokens = (await response.json()) as Tokens;
    if (!rolesOf(tokens.accessToken).includes('admin')) {
      // Ends the login just made, so a customer's tokens do not outlive the refusal.
      await post('/api/auth/logout', { refreshToken: tokens.refreshToken }).catch(() => undefined);
      throw new NotAnAdminError('This account is not an administrator: the dashboard is for admins only.');
    }
    this.keep(tokens);
  }

  async signOut(): Promise<void> {
    const tokens = this.tokens;
    this.forget();
    if (tokens) await post('/api/auth/logout', { refreshToken: tokens.refreshToken }).catch(() => undefined);
  }

  private keep(tokens: Tokens): void {
    this.tokens = tokens;
    this.renewAt = Date.now() + Math.max(5, tokens.expiresIn - renewAheadSeconds) * 1000;
    this.renewal ??= setInterval(() => void this.renewIfDue(), renewalCheckMs);
  }

  private async renewIfDue(): Promise<void> {
    if (!this.tokens || this.renewing || Date.now() < this.renewAt) return;
    this.renewing = true;
    try {
      await this.renew();
    } finally {
      this.renewing = false;
    }
  }

  private async renew(): Promise<void> {
    const renewed = this.tokens;
    if (!renewed) return;
    try {
      const response = await post('/api/auth/refresh', { refreshToken: renewed.refreshToken });
      if (!response.ok) throw await problemOf(response);
      const tokens = (await response.json()) as Tokens;
      // Signed out (or in again) while the renewal was on its way: that login is not this one.
      if (this.tokens === renewed) this.keep(tokens);
    } catch (error) {
      if (this.tokens !== renewed) return;
      this.forget();
      this.onEnded(`Your session ended (${(error as Error).message}). Sign in again.`);
    }
  }

  private forget(): void {
    clearInterval(this.renewal);
    this.renewal = undefined;
    this.tokens = undefined;
  }
}

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
  private renewal: ReturnType<typeof setTimeout> | undefined;

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
    clearTimeout(this.renewal);
    const delaySeconds = Math.max(5, tokens.expiresIn - renewAheadSeconds);
    this.renewal = setTimeout(() => void this.renew(), delaySeconds * 1000);
  }

  private async renew(): Promise<void> {
    if (!this.tokens) return;
    try {
      const response = await post('/api/auth/refresh', { refreshToken: this.tokens.refreshToken });
      if (!response.ok) throw await problemOf(response);
      this.keep((await response.json()) as Tokens);
    } catch (error) {
      this.forget();
      this.onEnded(`Your session ended (${(error as Error).message}). Sign in again.`);
    }
  }

  private forget(): void {
    clearTimeout(this.renewal);
    this.tokens = undefined;
  }
}

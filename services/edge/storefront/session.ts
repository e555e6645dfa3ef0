// The shopper's login. The access token lives in memory only; the refresh token is kept in sessionStorage, so a
// reload of the tab stays signed in and closing the tab forgets it. The access token is renewed a minute before it
// expires, and once more when the API says it is no longer good.
import { ApiError, type Customer, type RequestOptions, request, type Tokens } from './api';

const refreshTokenKey = 'shop.refreshToken';
/** Renew this long before the access token expires (its lifetime is at most 15 minutes). */
const renewAheadSeconds = 60;

export type SessionListener = (customer: Customer | undefined) => void;

export class Session {
  private tokens: Tokens | undefined;
  private renewal: ReturnType<typeof setTimeout> | undefined;
  private renewing: Promise<boolean> | undefined;
  customer: Customer | undefined;

  constructor(private readonly onChange: SessionListener) {}

  get accessToken(): string | undefined {
    return this.tokens?.accessToken;
  }

  /** Signs in again with the refresh token this tab kept, if any. */
  async resume(): Promise<void> {
    const refreshToken = sessionStorage.getItem(refreshTokenKey);
    if (!refreshToken) return;
    if (await this.renew(refreshToken)) await this.loadCustomer();
  }

  async signIn(email: string, password: string): Promise<void> {
    let tokens: Tokens;
    try {
      tokens = await request<Tokens>('/api/auth/login', { method: 'POST', body: { email, password } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) throw new ApiError(401, 'Wrong email or password.');
      throw error;
    }
    this.keep(tokens);
    await this.loadCustomer();
  }

  async register(name: string, email: string, password: string): Promise<void> {
    try {
      await request('/api/auth/register', { method: 'POST', body: { name, email, password } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 409)
        throw new ApiError(409, 'An account with this email exists already. Sign in instead.');
      throw error;
    }
    await this.signIn(email, password);
  }

  async signOut(): Promise<void> {
    const tokens = this.tokens;
    this.forget();
    if (tokens) {
      await request('/api/auth/logout', { method: 'POST', body: { refreshToken: tokens.refreshToken } }).catch(
        () => undefined,
      );
    }
  }

  /** A request as the signed-in customer; a 401 renews the login once and tries again. */
  async authed<T>(path: string, options: RequestOptions = {}): Promise<T> {
    if (!this.tokens) throw new ApiError(401, 'Please sign in first.');
    try {
      return await request<T>(path, { ...options, token: this.tokens.accessToken });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401 || !this.tokens) throw error;
      if (!(await this.renew(this.tokens.refreshToken))) throw new ApiError(401, 'Your session ended. Sign in again.');
      return request<T>(path, { ...options, token: this.tokens.accessToken });
    }
  }

  private async loadCustomer(): Promise<void> {
    this.customer = await this.authed<Customer>('/api/customers/me');
    this.onChange(this.customer);
  }

  private keep(tokens: Tokens): void {
    this.tokens = tokens;
    sessionStorage.setItem(refreshTokenKey, tokens.refreshToken);
    clearTimeout(this.renewal);
    const delaySeconds = Math.max(5, tokens.expiresIn - renewAheadSeconds);
    this.renewal = setTimeout(() => {
      if (this.tokens) void this.renew(this.tokens.refreshToken);
    }, delaySeconds * 1000);
  }

  /** One renewal at a time: a second caller waits for the first (a refresh token is good for one use). */
  private renew(refreshToken: string): Promise<boolean> {
    this.renewing ??= request<Tokens>('/api/auth/refresh', { method: 'POST', body: { refreshToken } })
      .then(
        (tokens) => {
          this.keep(tokens);
          return true;
        },
        () => {
          this.forget();
          return false;
        },
      )
      .finally(() => {
        this.renewing = undefined;
      });
    return this.renewing;
  }

  private forget(): void {
    const wasSignedIn = this.customer !== undefined;
    clearTimeout(this.renewal);
    this.tokens = undefined;
    this.customer = undefined;
    sessionStorage.removeItem(refreshTokenKey);
    if (wasSignedIn) this.onChange(undefined);
  }
}

import { canonicalLocale } from '../src/domain/locale';
import { countAttempt, forgiveAttempt, loginWaitSeconds, retryAfterSeconds } from '../src/domain/login-throttle';
import { passwordProblems } from '../src/domain/password-policy';
import { e164Phone } from '../src/domain/phone';
import { type RefreshToken, refreshTokenState } from '../src/domain/refresh-token';
import { rolesFromColumn, rolesToColumn } from '../src/domain/roles';

describe('the password policy', () => {
  const account = { email: 'grace.hopper@example.com', name: 'Grace Hopper' };

  it('accepts a long passphrase', () => {
    expect(passwordProblems('correct horse battery staple', account)).toEqual([]);
  });

  it.each([
    ['short1', 'must be at least 10 characters'],
    ['x'.repeat(129), 'must be at most 128 characters'],
    ['          ', 'must not be only spaces'],
    ['password123', 'is too common'],
    ['aaaaaaaaaaaa', 'must use at least 4 different characters'],
    ['my grace.hopper pass', 'must not contain the email address'],
  ])('refuses %j: %s', (password, message) => {
    expect(passwordProblems(password, account)).toContain(message);
  });

  it('counts characters, not bytes', () => {
    expect(passwordProblems('ünïcödé✓✓✓✓', account)).toEqual([]);
  });
});

describe('login attempt windows', () => {
  const limits = { maxAttempts: 3, windowSeconds: 60 };

  it('allows the limit, then asks to wait until the window ends', () => {
    let window = countAttempt(undefined, 0, limits);
    window = countAttempt(window, 1_000, limits);
    window = countAttempt(window, 2_000, limits);
    expect(retryAfterSeconds(window, 2_000, limits)).toBe(0);
    window = countAttempt(window, 10_000, limits);
    expect(retryAfterSeconds(window, 10_000, limits)).toBe(50);
  });

  it('starts a new window once the old one ended', () => {
    const window = countAttempt({ attempts: 9, windowEndsAtMs: 60_000 }, 60_000, limits);
    expect(window).toEqual({ attempts: 1, windowEndsAtMs: 120_000 });
  });

  it('holds back an address over its own limits, or one that failed before on an account under attack', () => {
    const both = { account: limits, address: { maxAttempts: 10, windowSeconds: 60 } };
    const window = (attempts: number) => ({ attempts, windowEndsAtMs: 60_000 });
    const wait = (account: number, accountFromAddress: number, address: number) =>
      loginWaitSeconds(
        { account: window(account), accountFromAddress: window(accountFromAddress), address: window(address) },
        0,
        both,
      );
    expect(wait(3, 3, 3)).toBe(0);
    expect(wait(4, 4, 4)).toBe(60); // this address's own failures on the account
    expect(wait(1, 1, 11)).toBe(60); // this address's failures on every account
    expect(wait(40, 1, 1)).toBe(0); // the owner's first attempt from a clean address
    expect(wait(40, 2, 2)).toBe(60); // a second try from an address, once the account is under attack
  });

  it('gives one attempt back for a right password, never below zero', () => {
    expect(forgiveAttempt({ attempts: 2, windowEndsAtMs: 60_000 }, 0)).toEqual({ attempts: 1, windowEndsAtMs: 60_000 });
    expect(forgiveAttempt({ attempts: 0, windowEndsAtMs: 60_000 }, 0)?.attempts).toBe(0);
    expect(forgiveAttempt({ attempts: 2, windowEndsAtMs: 60_000 }, 60_000)).toBeUndefined();
  });
});

describe('refresh token states', () => {
  const now = new Date('2026-11-21T10:00:00Z');
  const token: RefreshToken = {
    id: 't',
    familyId: 'f',
    customerId: 'c',
    tokenHash: 'h',
    createdAt: new Date('2026-11-20T10:00:00Z'),
    expiresAt: new Date('2026-12-20T10:00:00Z'),
    usedAt: null,
    revokedAt: null,
  };

  it('tells usable, used (reuse), revoked and expired tokens apart', () => {
    expect(refreshTokenState(token, now)).toBe('usable');
    expect(refreshTokenState({ ...token, usedAt: now }, now)).toBe('reused');
    expect(refreshTokenState({ ...token, usedAt: now, revokedAt: now }, now)).toBe('revoked');
    expect(refreshTokenState({ ...token, expiresAt: now }, now)).toBe('expired');
  });
});

describe('roles in a column', () => {
  it('round-trips without duplicates', () => {
    expect(rolesFromColumn(rolesToColumn(['customer', 'admin', 'admin']))).toEqual(['admin', 'customer']);
  });
});

describe('language tags', () => {
  it('are kept in canonical BCP 47 form, and only real language tags are', () => {
    expect(['en', 'DE', 'de-at', 'zh-hant-tw', 'iw'].map(canonicalLocale)).toEqual([
      'en',
      'de',
      'de-AT',
      'zh-Hant-TW',
      'he',
    ]);
    expect(
      ['', '*', 'x-private', 'i-klingon', 'english', 'de_DE', `de-${'a'.repeat(40)}`].map(canonicalLocale),
    ).toEqual(Array(7).fill(null));
  });
});

describe('phone numbers', () => {
  it('are read as typed into E.164, and never guessed into a country', () => {
    expect(['+49 170 1234567', '+1 (415) 555-2671', '+44.20.7946.0958'].map(e164Phone)).toEqual([
      '+491701234567',
      '+14155552671',
      '+442079460958',
    ]);
    expect(
      ['0170 1234567', '+0491701234567', '+49 170 abc', '+12345', `+${'1'.repeat(16)}`, '++491701234567'].map(
        e164Phone,
      ),
    ).toEqual(Array(6).fill(null));
  });
});

import { scryptPasswords } from '../src/infrastructure/scrypt-passwords';

describe('scrypt password hashes', () => {
  const hasher = scryptPasswords({ log2Cost: 10 });

  it('verifies the password it hashed and refuses another', async () => {
    const stored = await hasher.hash('analytical engine 1843');
    expect(stored).toMatch(/^scrypt\$10\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await hasher.verify('analytical engine 1843', stored)).toEqual({ ok: true, rehash: false });
    expect((await hasher.verify('analytical engine 1844', stored)).ok).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'));
  });

  it('matches a password typed in another Unicode form', async () => {
    const stored = await hasher.hash('caf\u00e9 au lait!');
    expect((await hasher.verify('cafe\u0301 au lait!', stored)).ok).toBe(true);
  });

  it('asks for a rehash of a hash made with a lower cost', async () => {
    const weak = await scryptPasswords({ log2Cost: 8 }).hash('analytical engine 1843');
    expect(await hasher.verify('analytical engine 1843', weak)).toEqual({ ok: true, rehash: true });
  });

  it('refuses a stored value it does not understand', async () => {
    expect((await hasher.verify('x', 'bcrypt$2b$10$abc')).ok).toBe(false);
    expect((await hasher.verify('x', '')).ok).toBe(false);
  });
});

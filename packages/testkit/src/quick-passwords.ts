/**
 * The environment a whole platform under test gets: identity hashes passwords with scrypt at log2 N = 10 (1 MiB,
 * about a millisecond) instead of its default 15 (32 MiB, ~50 ms, more on a loaded machine). The suites register
 * and log in hundreds of customers, which at the default cost took minutes of the run; the hashing itself is the
 * same code, and identity's own tests prove the default and production's floor (identity-config.test.ts).
 */
export const quickPasswordHashing = { PASSWORD_HASH_COST: '10' } as const;

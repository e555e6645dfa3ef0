import type { JsonWebKey } from 'node:crypto';
import type { EventEnvelope } from '@shop/contracts';
import type { Address, AddressFields, Customer } from '../domain/customer';
import type { RefreshToken } from '../domain/refresh-token';

export interface CustomerPage {
  items: Customer[];
  /** The last row's position, when more rows may follow. */
  next: { createdAt: Date; id: string } | null;
}

export interface Customers {
  byId(id: string): Promise<Customer | null>;
  /** The live (not deleted) account with this normalized email. */
  byEmail(email: string): Promise<Customer | null>;
  /** Inserts; answers false when the email is taken (the unique index decides, not a prior read). */
  insert(customer: Customer): Promise<boolean>;
  /** Answers false when the change would take another account's email. */
  update(id: string, changes: Partial<Omit<Customer, 'id' | 'createdAt'>>): Promise<boolean>;
  /** Oldest first, after `after`; `emailContains` filters case-insensitively. */
  list(query: {
    limit: number;
    after?: { createdAt: Date; id: string };
    emailContains?: string;
  }): Promise<CustomerPage>;
}

export interface Addresses {
  listFor(customerId: string): Promise<Address[]>;
  /** Only the customer's own address: another customer's id finds nothing. */
  find(customerId: string, id: string): Promise<Address | null>;
  countFor(customerId: string): Promise<number>;
  insert(address: Address): Promise<void>;
  update(customerId: string, id: string, fields: AddressFields, at: Date): Promise<void>;
  /** Clears the default flag on every other address of the customer. */
  clearDefaultExcept(customerId: string, keepId: string): Promise<void>;
  remove(customerId: string, id: string): Promise<boolean>;
  removeAllFor(customerId: string): Promise<void>;
}

export interface RefreshTokens {
  insert(token: RefreshToken): Promise<void>;
  byHash(tokenHash: string): Promise<RefreshToken | null>;
  /** Marks the token used if nobody did first: one conditional UPDATE, so two concurrent uses cannot both win. */
  markUsed(id: string, at: Date): Promise<boolean>;
  revokeFamily(familyId: string, at: Date): Promise<void>;
  revokeAllFor(customerId: string, at: Date): Promise<void>;
  /** The customer of the family when any of its tokens is unrevoked (the login goes on), null otherwise. */
  liveFamilyOwner(familyId: string): Promise<string | null>;
}

/** The repositories of one transaction, and its outbox. */
export interface IdentityStore {
  customers: Customers;
  addresses: Addresses;
  refreshTokens: RefreshTokens;
  /** Publishes the event once the transaction commits (transactional outbox). */
  outbox(topic: string, event: EventEnvelope): Promise<void>;
  rollbackWith<V>(value: V): V;
}

/** Runs `work` in one transaction over the identity database. */
export type UnitOfWork = <T>(work: (store: IdentityStore) => Promise<T>) => Promise<T>;

/** What a read alone needs: the stores' lookups. */
export type IdentityReads = Pick<IdentityStore, 'customers' | 'refreshTokens'>;

/** Runs lookups that need no transaction (each is one statement; nothing is written). */
export type Reads = <T>(work: (store: IdentityReads) => Promise<T>) => Promise<T>;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** `rehash` when the stored hash was made with weaker parameters than today's. */
  verify(password: string, stored: string): Promise<{ ok: boolean; rehash: boolean }>;
  /** Spends the time of one verification, so an unknown email answers as slowly as a wrong password. */
  burnVerification(password: string): Promise<void>;
}

export interface AccessTokenIssuer {
  /** A token for the customer within the login `sessionId` (the refresh-token family). */
  issue(
    customer: Pick<Customer, 'id' | 'email' | 'roles'>,
    sessionId: string,
  ): Promise<{ accessToken: string; expiresIn: number }>;
}

/** The keys access tokens are signed with: their public halves (the JWKS) and a rotation. */
export interface SigningKeys {
  jwks(): Promise<{ keys: JsonWebKey[] }>;
  /** Makes a new key the signing key (older ones stay published while their tokens live); answers its kid. */
  rotate(): Promise<string>;
}

/**
 * Login throttling per account and per client address. An attempt is counted before the password is checked,
 * so a burst of parallel guesses is counted in full rather than after the first ones fail.
 */
export interface LoginAttempts {
  /** Counts the attempt; answers the seconds to wait when either key is over its limit, 0 when allowed. */
  begin(account: string, address: string): Promise<number>;
  /** The login was right: the account starts afresh, the address gets this attempt back. */
  succeeded(account: string, address: string): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface IdentityDeps {
  unitOfWork: UnitOfWork;
  reads: Reads;
  passwords: PasswordHasher;
  accessTokens: AccessTokenIssuer;
  loginAttempts: LoginAttempts;
  clock: Clock;
  refreshTokenTtlSeconds: number;
}

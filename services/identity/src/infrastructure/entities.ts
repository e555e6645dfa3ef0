import { EntitySchema } from 'typeorm';
import type { Address } from '../domain/customer';
import type { RefreshToken } from '../domain/refresh-token';

/** A `customers` row: roles are a comma-separated column (see domain/roles). */
export interface CustomerRow {
  id: string;
  email: string;
  name: string;
  roles: string;
  locale: string;
  phone: string | null;
  passwordHash: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** A `signing_keys` row: the private key is PKCS#8 PEM, encrypted when JWT_KEYS_SECRET is set. */
export interface SigningKeyRow {
  kid: string;
  publicJwk: string;
  privateKey: string;
  createdAt: Date;
}

export const CustomerEntity = new EntitySchema<CustomerRow>({
  name: 'IdentityCustomer',
  tableName: 'customers',
  columns: {
    id: { name: 'id', type: String, primary: true },
    email: { name: 'email', type: String },
    name: { name: 'name', type: String },
    roles: { name: 'roles', type: String },
    locale: { name: 'locale', type: String },
    phone: { name: 'phone', type: String, nullable: true },
    passwordHash: { name: 'password_hash', type: String, nullable: true },
    createdAt: { name: 'created_at', type: Date },
    updatedAt: { name: 'updated_at', type: Date },
    deletedAt: { name: 'deleted_at', type: Date, nullable: true },
  },
});

export const AddressEntity = new EntitySchema<Address>({
  name: 'IdentityAddress',
  tableName: 'addresses',
  columns: {
    id: { name: 'id', type: String, primary: true },
    customerId: { name: 'customer_id', type: String },
    label: { name: 'label', type: String, nullable: true },
    line1: { name: 'line1', type: String },
    line2: { name: 'line2', type: String, nullable: true },
    city: { name: 'city', type: String },
    region: { name: 'region', type: String, nullable: true },
    postalCode: { name: 'postal_code', type: String },
    country: { name: 'country', type: String },
    isDefault: { name: 'is_default', type: Boolean },
    createdAt: { name: 'created_at', type: Date },
    updatedAt: { name: 'updated_at', type: Date },
  },
});

export const RefreshTokenEntity = new EntitySchema<RefreshToken>({
  name: 'IdentityRefreshToken',
  tableName: 'refresh_tokens',
  columns: {
    id: { name: 'id', type: String, primary: true },
    familyId: { name: 'family_id', type: String },
    customerId: { name: 'customer_id', type: String },
    tokenHash: { name: 'token_hash', type: String },
    createdAt: { name: 'created_at', type: Date },
    expiresAt: { name: 'expires_at', type: Date },
    usedAt: { name: 'used_at', type: Date, nullable: true },
    revokedAt: { name: 'revoked_at', type: Date, nullable: true },
  },
});

export const SigningKeyEntity = new EntitySchema<SigningKeyRow>({
  name: 'IdentitySigningKey',
  tableName: 'signing_keys',
  columns: {
    kid: { name: 'kid', type: String, primary: true },
    publicJwk: { name: 'public_jwk', type: String },
    privateKey: { name: 'private_key', type: String },
    createdAt: { name: 'created_at', type: Date },
  },
});

export const identityEntities = [CustomerEntity, AddressEntity, RefreshTokenEntity, SigningKeyEntity];

import { addColumns, dropColumns, type MigrationClass, portableColumns } from '@shop/kit';
import { type MigrationInterface, type QueryRunner, Table, TableIndex, TableUnique } from 'typeorm';
import { identityLimits } from '../domain/limits';
import { defaultLocale } from '../domain/locale';

export class CreateIdentityTables1732300000000 implements MigrationInterface {
  readonly name = 'CreateIdentityTables1732300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'customers',
        columns: [
          { ...c.string('id', 36), isPrimary: true },
          c.string('email', identityLimits.emailLength),
          c.string('name', identityLimits.nameLength),
          c.string('roles', 100),
          { ...c.string('password_hash', 200), isNullable: true },
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
          { ...c.timestamp('deleted_at'), isNullable: true },
        ],
        // Deleted accounts keep a unique anonymised email, so one plain unique index serves every dialect.
        uniques: [new TableUnique({ name: 'UQ_customers_email', columnNames: ['email'] })],
        indices: [new TableIndex({ name: 'IX_customers_created_at_id', columnNames: ['created_at', 'id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'addresses',
        columns: [
          { ...c.string('id', 36), isPrimary: true },
          c.string('customer_id', 36),
          { ...c.string('label', identityLimits.addressLabelLength), isNullable: true },
          c.string('line1', identityLimits.addressLineLength),
          { ...c.string('line2', identityLimits.addressLineLength), isNullable: true },
          c.string('city', identityLimits.cityLength),
          { ...c.string('region', identityLimits.regionLength), isNullable: true },
          c.string('postal_code', identityLimits.postalCodeLength),
          c.string('country', 2),
          c.boolean('is_default'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        indices: [new TableIndex({ name: 'IX_addresses_customer_id', columnNames: ['customer_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'refresh_tokens',
        columns: [
          { ...c.string('id', 36), isPrimary: true },
          c.string('family_id', 36),
          c.string('customer_id', 36),
          c.string('token_hash', 64),
          c.timestamp('created_at'),
          c.timestamp('expires_at'),
          { ...c.timestamp('used_at'), isNullable: true },
          { ...c.timestamp('revoked_at'), isNullable: true },
        ],
        uniques: [new TableUnique({ name: 'UQ_refresh_tokens_token_hash', columnNames: ['token_hash'] })],
        indices: [
          new TableIndex({ name: 'IX_refresh_tokens_family_id', columnNames: ['family_id'] }),
          new TableIndex({ name: 'IX_refresh_tokens_customer_id', columnNames: ['customer_id'] }),
          new TableIndex({ name: 'IX_refresh_tokens_expires_at', columnNames: ['expires_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'signing_keys',
        columns: [
          { ...c.string('kid', 64), isPrimary: true },
          c.text('public_jwk'),
          c.text('private_key'),
          c.timestamp('created_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['signing_keys', 'refresh_tokens', 'addresses', 'customers'])
      await queryRunner.dropTable(table);
  }
}

/** The customer's language (existing accounts get the default) and optional phone number, for notifications. */
export class AddCustomerLocaleAndPhone1732300000001 implements MigrationInterface {
  readonly name = 'AddCustomerLocaleAndPhone1732300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await addColumns(queryRunner, 'customers', [
      { ...c.string('locale', identityLimits.localeLength), default: `'${defaultLocale}'` },
      { ...c.string('phone', identityLimits.phoneLength), isNullable: true },
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropColumns(queryRunner, 'customers', ['phone', 'locale']);
  }
}

export const identityMigrations: MigrationClass[] = [
  CreateIdentityTables1732300000000,
  AddCustomerLocaleAndPhone1732300000001,
];

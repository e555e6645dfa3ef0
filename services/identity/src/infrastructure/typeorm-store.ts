import { autocommit, creationPage, isUniqueViolation, type Tx, transaction } from '@shop/kit';
import { type DataSource, type EntityManager, IsNull } from 'typeorm';
import type { Addresses, Customers, IdentityStore, Reads, RefreshTokens, UnitOfWork } from '../application/ports';
import type { Customer } from '../domain/customer';
import { rolesFromColumn, rolesToColumn } from '../domain/roles';
import { AddressEntity, CustomerEntity, type CustomerRow, RefreshTokenEntity } from './entities';

/** The identity database behind the application's ports: one TypeORM transaction per unit of work. */
export function typeormUnitOfWork(dataSource: DataSource): UnitOfWork {
  return (work) => transaction(dataSource, (tx) => work(storeOf(tx)));
}

/**
 * Lookups in autocommit, without a BEGIN and a COMMIT around them (a session check runs two, for every service's
 * requests once its check is stale); on SQLite in the kit's queue, between transactions.
 */
export function typeormReads(dataSource: DataSource): Reads {
  return (work) =>
    autocommit(dataSource, (manager) =>
      work({ customers: customersOf(manager), refreshTokens: refreshTokensOf(manager) }),
    );
}

function storeOf(tx: Tx): IdentityStore {
  return {
    customers: customersOf(tx.manager),
    addresses: addressesOf(tx.manager),
    refreshTokens: refreshTokensOf(tx.manager),
    outbox: (topic, event) => tx.outbox(topic, event),
    rollbackWith: (value) => tx.rollbackWith(value),
  };
}

function toCustomer(row: CustomerRow): Customer {
  return { ...row, roles: rolesFromColumn(row.roles) };
}

/** `%`, `_` and the escape character itself are literal in a search term. */
function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

function customersOf(manager: EntityManager): Customers {
  const repository = manager.getRepository(CustomerEntity);
  return {
    async byId(id) {
      const row = await repository.findOneBy({ id });
      return row ? toCustomer(row) : null;
    },
    async byEmail(email) {
      const row = await repository.findOneBy({ email, deletedAt: IsNull() });
      return row ? toCustomer(row) : null;
    },
    async insert(customer) {
      try {
        await repository.insert({ ...customer, roles: rolesToColumn(customer.roles) });
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async update(id, changes) {
      const { roles, ...rest } = changes;
      try {
        await repository.update({ id }, { ...rest, ...(roles ? { roles: rolesToColumn(roles) } : {}) });
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async list({ limit, after, emailContains }) {
      const query = repository.createQueryBuilder('c');
      // Emails are stored lowercased, so a lowercased pattern is case-insensitive on every dialect.
      if (emailContains) {
        query.andWhere("c.email LIKE :pattern ESCAPE '\\'", { pattern: likePattern(emailContains.toLowerCase()) });
      }
      // Oldest first, as accounts were opened.
      const page = await creationPage(query, { limit, after, direction: 'ASC' });
      return { items: page.items.map(toCustomer), next: page.next };
    },
  };
}

function addressesOf(manager: EntityManager): Addresses {
  const repository = manager.getRepository(AddressEntity);
  return {
    listFor: (customerId) => repository.find({ where: { customerId }, order: { createdAt: 'ASC', id: 'ASC' } }),
    find: (customerId, id) => repository.findOneBy({ customerId, id }),
    countFor: (customerId) => repository.countBy({ customerId }),
    async insert(address) {
      await repository.insert(address);
    },
    async update(customerId, id, fields, at) {
      await repository.update(
        { customerId, id },
        {
          label: fields.label,
          line1: fields.line1,
          line2: fields.line2,
          city: fields.city,
          region: fields.region,
          postalCode: fields.postalCode,
          country: fields.country,
          isDefault: fields.isDefault,
          updatedAt: at,
        },
      );
    },
    async clearDefaultExcept(customerId, keepId) {
      await repository
        .createQueryBuilder()
        .update()
        .set({ isDefault: false })
        .where('customer_id = :customerId AND id <> :keepId AND is_default = :yes', { customerId, keepId, yes: true })
        .execute();
    },
    async remove(customerId, id) {
      return ((await repository.delete({ customerId, id })).affected ?? 0) > 0;
    },
    async removeAllFor(customerId) {
      await repository.delete({ customerId });
    },
  };
}

function refreshTokensOf(manager: EntityManager): RefreshTokens {
  const repository = manager.getRepository(RefreshTokenEntity);
  return {
    async insert(token) {
      await repository.insert(token);
    },
    byHash: (tokenHash) => repository.findOneBy({ tokenHash }),
    async markUsed(id, at) {
      const result = await repository.update({ id, usedAt: IsNull(), revokedAt: IsNull() }, { usedAt: at });
      return (result.affected ?? 0) === 1;
    },
    async revokeFamily(familyId, at) {
      await repository.update({ familyId, revokedAt: IsNull() }, { revokedAt: at });
    },
    async revokeAllFor(customerId, at) {
      await repository.update({ customerId, revokedAt: IsNull() }, { revokedAt: at });
    },
    async liveFamilyOwner(familyId) {
      const live = await repository.findOne({
        select: { customerId: true },
        where: { familyId, revokedAt: IsNull() },
      });
      return live?.customerId ?? null;
    },
  };
}

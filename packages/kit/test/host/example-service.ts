// The service of docs/adding-a-service.md, verbatim apart from the import paths: adding-a-service.test.ts
// runs it, so the documented example keeps working. In a service the imports are '@shop/kit' and '@shop/contracts'.
import { CustomerDeleted } from '@shop/contracts';
import Joi from 'joi';
import { EntitySchema, type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { portableColumns, transaction } from '../../src/data';
import { subscribe } from '../../src/events/event-subscription';
import { inboxIntake } from '../../src/events/intake';
import type { ServiceManifest } from '../../src/host/service-manifest';
import { ApiRoutes } from '../../src/http/api-routes';
import type { Caller } from '../../src/http/auth';

interface WishlistItem {
  customerId: string;
  productId: string;
  addedAt: Date;
}

const WishlistItems = new EntitySchema<WishlistItem>({
  name: 'WishlistItem',
  tableName: 'wishlist_items',
  columns: {
    customerId: { name: 'customer_id', type: String, primary: true },
    productId: { name: 'product_id', type: String, primary: true },
    addedAt: { name: 'added_at', type: Date },
  },
});

export class CreateWishlistItems1733600000000 implements MigrationInterface {
  readonly name = 'CreateWishlistItems1733600000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner); // one migration for SQLite, PostgreSQL and SQL Server
    await queryRunner.createTable(
      new Table({
        name: 'wishlist_items',
        columns: [
          { ...c.string('customer_id', 36), isPrimary: true },
          { ...c.string('product_id', 36), isPrimary: true },
          c.timestamp('added_at'),
        ],
      }),
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('wishlist_items');
  }
}

export const wishlistsService: ServiceManifest = {
  name: 'wishlists',
  publicPaths: ['/api/wishlist'],
  data: { entities: [WishlistItems], migrations: [CreateWishlistItems1733600000000] },
  async setup({ name, dataSource, log, authenticate }) {
    const api = new ApiRoutes();
    api.use(authenticate);
    api.put(
      '/api/wishlist/:productId',
      {
        summary: "Add a product to the caller's wishlist",
        access: 'customer', // the kit mounts the guard: 401 without a token, 403 for another role
        request: { params: Joi.object({ productId: Joi.string().guid().required() }) },
        responses: { 204: { description: 'On the wishlist' } },
      },
      async (ctx) => {
        const { id: customerId } = ctx.state.caller as Caller;
        const item = { customerId, productId: ctx.params.productId as string, addedAt: new Date() };
        await transaction(dataSource, (tx) => tx.manager.upsert(WishlistItems, item, ['customerId', 'productId']));
        ctx.status = 204;
      },
    );
    return {
      router: api.router,
      openApi: api.openApi({ title: 'wishlists', version: '1', description: "Customers' wishlists." }),
      // Validated against the contract's schema, once per event id (the inbox record commits with `tx`).
      subscriptions: inboxIntake(
        [
          subscribe(CustomerDeleted, async ({ tx }, event) => {
            await tx.manager.delete(WishlistItems, { customerId: event.data.customerId });
          }),
        ],
        { service: name, log, dataSource, deps: {} },
      ),
    };
  },
};

// The service of the README's "Adding a service", verbatim apart from the import paths: adding-a-service.test.ts
// runs it, so the README's example keeps working. In a service the imports are '@shop/kit' and '@shop/contracts'.
import { type CustomerDeleted, topics } from '@shop/contracts';
import Joi from 'joi';
import { EntitySchema, type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { handleOnce, portableColumns, transaction } from '../../src/data';
import type { ServiceManifest } from '../../src/host/service-manifest';
import { ApiRoutes } from '../../src/http/api-routes';
import { type Caller, requireRole } from '../../src/http/auth';

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
  async setup({ dataSource, authenticate }) {
    const api = new ApiRoutes();
    api.use(authenticate);
    api.put(
      '/api/wishlist/:productId',
      {
        summary: "Add a product to the caller's wishlist",
        access: 'customer',
        request: { params: Joi.object({ productId: Joi.string().guid().required() }) },
        responses: { 204: { description: 'On the wishlist' } },
      },
      requireRole('customer'),
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
      subscriptions: [
        {
          topic: topics.customerDeleted,
          // Once per event however often it is delivered: the inbox record commits with the delete.
          async handle(event) {
            const { customerId } = event.data as CustomerDeleted;
            await handleOnce(dataSource, 'wishlists', event.id, (tx) =>
              tx.manager.delete(WishlistItems, { customerId }),
            );
            return 'success';
          },
        },
      ],
    };
  },
};

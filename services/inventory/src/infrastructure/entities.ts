import { EntitySchema } from 'typeorm';

// Column types are the JavaScript ones so that each driver maps them to its own; the DDL is in migrations.ts.

export interface StockItemRecord {
  productId: string;
  onHand: number;
  reserved: number;
  version: number;
  discontinuedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ReservationRecord {
  id: string;
  orderId: string;
  status: string;
  /** JSON of the normalized lines. */
  lines: string;
  expiresAt: Date;
  releaseReason: string | null;
  /** JSON of the rejection (reason and shortages) of a rejected reservation. */
  rejection: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface StockAdjustmentRecord {
  id: string;
  productId: string;
  delta: number;
  reason: string;
  actorId: string | null;
  onHandAfter: number;
  createdAt: Date;
}

export const StockItemEntity = new EntitySchema<StockItemRecord>({
  name: 'InventoryStockItem',
  tableName: 'stock_items',
  columns: {
    productId: { name: 'product_id', type: String, primary: true },
    onHand: { name: 'on_hand', type: Number },
    reserved: { name: 'reserved', type: Number },
    version: { name: 'version', type: Number },
    discontinuedAt: { name: 'discontinued_at', type: Date, nullable: true },
    createdAt: { name: 'created_at', type: Date },
    updatedAt: { name: 'updated_at', type: Date },
  },
});

export const ReservationEntity = new EntitySchema<ReservationRecord>({
  name: 'InventoryReservation',
  tableName: 'reservations',
  columns: {
    id: { name: 'id', type: String, primary: true },
    orderId: { name: 'order_id', type: String },
    status: { name: 'status', type: String },
    lines: { name: 'lines', type: String },
    expiresAt: { name: 'expires_at', type: Date },
    releaseReason: { name: 'release_reason', type: String, nullable: true },
    rejection: { name: 'rejection', type: String, nullable: true },
    createdAt: { name: 'created_at', type: Date },
    updatedAt: { name: 'updated_at', type: Date },
  },
});

export const StockAdjustmentEntity = new EntitySchema<StockAdjustmentRecord>({
  name: 'InventoryStockAdjustment',
  tableName: 'stock_adjustments',
  columns: {
    id: { name: 'id', type: String, primary: true },
    productId: { name: 'product_id', type: String },
    delta: { name: 'delta', type: Number },
    reason: { name: 'reason', type: String },
    actorId: { name: 'actor_id', type: String, nullable: true },
    onHandAfter: { name: 'on_hand_after', type: Number },
    createdAt: { name: 'created_at', type: Date },
  },
});

export const inventoryEntities = [StockItemEntity, ReservationEntity, StockAdjustmentEntity];

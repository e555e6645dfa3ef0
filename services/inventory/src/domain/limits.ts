/** Lengths of the inventory's ids and texts: what its tables store and its requests accept. */
export const inventoryLimits = {
  idLength: 36,
  orderIdLength: 36,
  adjustmentReasonLength: 200,
  actorIdLength: 100,
} as const;

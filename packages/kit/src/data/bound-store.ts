/** A store whose every method takes, first, the unit it acts in (a transaction, or a plain read). */
export type StoreIn<Store, Unit> = {
  [K in keyof Store]: Store[K] extends (...args: infer A) => infer R ? (unit: Unit, ...args: A) => R : never;
};

/**
 * The store bound to one unit: what application code is handed, so that it works with its ports alone and never
 * holds the transaction (nor TypeORM's EntityManager) itself. Works for plain objects and class instances alike.
 */
export function bindStore<Store extends object, Unit>(store: StoreIn<Store, Unit>, unit: Unit): Store {
  const bound: Record<string, unknown> = {};
  for (let level: object | null = store; level && level !== Object.prototype; level = Object.getPrototypeOf(level)) {
    for (const name of Object.getOwnPropertyNames(level)) {
      const method = (store as Record<string, unknown>)[name];
      if (name === 'constructor' || name in bound || typeof method !== 'function') continue;
      bound[name] = (...args: unknown[]) => method.call(store, unit, ...args);
    }
  }
  return bound as Store;
}

import type { Role } from '@shop/kit';

export const customerRoles: Role[] = ['customer'];
export const adminRoles: Role[] = ['admin'];

/** Roles are stored as a comma-separated column: there are two, and a join table would only add a query. */
export function rolesToColumn(roles: readonly string[]): string {
  return [...new Set(roles)].sort().join(',');
}

export function rolesFromColumn(column: string): string[] {
  return column.split(',').filter(Boolean);
}

import { problem } from '@shop/kit';

export const notFound = (what: 'product' | 'category') =>
  problem(404, 'Not Found', { detail: `No ${what} has this id.` });

export const invalidField = (path: string, message: string) =>
  problem(400, 'Invalid request', { detail: '1 field(s) are invalid', errors: [{ path, message }] });

/** Money is integer minor units plus an ISO 4217 currency, never a float (CONTRACT.md, Conventions). */
export interface Money {
  amount: number;
  currency: string;
}

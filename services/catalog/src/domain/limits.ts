/** Lengths the HTTP schemas enforce and the columns are sized for, so no valid request can overflow a column. */
export const catalogLimits = {
  idLength: 36,
  skuLength: 64,
  productNameLength: 200,
  descriptionLength: 5_000,
  categoryNameLength: 100,
  currencyLength: 3,
  statusLength: 16,
  // Lowercasing can lengthen a string: U+0130 (İ) becomes two code units, the only such mapping
  // (Unicode SpecialCasing), so a lowercase key needs at most twice its source's length.
  skuKeyLength: 128,
  nameKeyLength: 400,
  /** Prices are 32-bit integer columns (int on SQL Server and PostgreSQL). */
  maxPriceAmount: 2_147_483_647,
} as const;

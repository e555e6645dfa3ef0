/** Lengths of identity's texts: what its tables store and its requests accept. */
export const identityLimits = {
  emailLength: 254,
  nameLength: 200,
  addressLabelLength: 50,
  addressLineLength: 200,
  cityLength: 100,
  regionLength: 100,
  postalCodeLength: 20,
} as const;

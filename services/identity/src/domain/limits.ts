/** Lengths of identity's texts: what its tables store and its requests accept. */
export const identityLimits = {
  emailLength: 254,
  nameLength: 200,
  /** RFC 5646 recommends supporting language tags of at least 35 characters. */
  localeLength: 35,
  /** E.164: `+` and at most 15 digits. */
  phoneLength: 16,
  addressLabelLength: 50,
  addressLineLength: 200,
  cityLength: 100,
  regionLength: 100,
  postalCodeLength: 20,
} as const;

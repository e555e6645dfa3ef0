/** Column sizes, shared by the migrations and the request schemas. */
export const notificationsLimits = {
  idLength: 36,
  /** The kit's inbox takes event ids up to this length; deliveries key on them. */
  eventIdLength: 100,
  emailLength: 254,
  nameLength: 200,
  localeLength: 35,
  /** E.164: a plus and at most 15 digits. */
  phoneLength: 16,
  titleLength: 300,
  /** An error kept in the delivery log is cut to this. */
  errorLength: 1000,
} as const;

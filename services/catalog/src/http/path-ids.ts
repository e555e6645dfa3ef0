const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The id in a path as stored (lowercase), or undefined when it cannot name any resource of ours. */
export function pathId(raw: string | undefined): string | undefined {
  const id = raw?.toLowerCase();
  return id && uuidPattern.test(id) ? id : undefined;
}

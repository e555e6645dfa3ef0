/** Azure's hub name rule (data-plane REST API): a letter, then up to 127 letters, digits and _`,.[] */
const hubName = /^[A-Za-z][A-Za-z0-9_`,.[\]]{0,127}$/;

export type NameCheck = { ok: true; name: string } | { ok: false; message: string };

/**
 * A hub name as the Azure SDK and Dapr send it: case-insensitive (both lowercase it), and `<application>_<hub>`
 * when an application name is given.
 */
export function hubNameOf(hub: string | undefined, application?: string | null): NameCheck {
  if (hub === undefined || hub === '') return { ok: false, message: 'hub is required' };
  if (!hubName.test(hub)) {
    return { ok: false, message: 'hub must be a letter followed by up to 127 letters, digits or _`,.[]' };
  }
  if (application) {
    const qualified = `${application}_${hub}`;
    if (!hubName.test(qualified)) return { ok: false, message: 'application_hub must be a valid hub name' };
    return { ok: true, name: qualified.toLowerCase() };
  }
  return { ok: true, name: hub.toLowerCase() };
}

/** Group names: 1 to 1024 characters, not only whitespace. */
export function groupNameProblem(group: string): string | undefined {
  if (group.length === 0 || group.length > 1024) return 'group must be 1 to 1024 characters';
  if (group.trim() === '') return 'group must not be only whitespace';
  return undefined;
}

/** User ids and connection ids: 1 to 1024 characters. */
export function idProblem(field: string, id: string): string | undefined {
  if (id.length === 0 || id.length > 1024) return `${field} must be 1 to 1024 characters`;
  return undefined;
}

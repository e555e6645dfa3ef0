export const passwordMinLength = 10;
/** Bounds the work a login costs: scrypt's input is hashed first, but nothing needs more. */
export const passwordMaxLength = 128;

// The most common passwords of the public breach corpora that are long enough to pass the length rule.
const commonPasswords = new Set([
  '1234567890',
  '0123456789',
  '12345678910',
  '1q2w3e4r5t',
  'qwertyuiop',
  'asdfghjkl;',
  'password12',
  'password123',
  'password1234',
  'iloveyou12',
  'princess123',
  'qwerty12345',
  'qwerty123456',
  'abc1234567',
  'abcdefghij',
  'letmein123',
  'welcome123',
  'football123',
  'baseball123',
  'sunshine123',
  'monkey12345',
  'dragon12345',
  'passw0rd123',
  'changeme123',
  'administrator',
  'trustno1234',
  'superman123',
  'starwars123',
  'qazwsxedcrfv',
  '1qaz2wsx3edc',
]);

/**
 * What is wrong with a new password, as messages for the `password` field (empty when it is acceptable).
 * NIST SP 800-63B: a minimum length, no composition rules, and no password that is common or derived from the
 * account itself.
 */
export function passwordProblems(password: string, account: { email: string; name?: string }): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < passwordMinLength) problems.push(`must be at least ${passwordMinLength} characters`);
  if (length > passwordMaxLength) problems.push(`must be at most ${passwordMaxLength} characters`);
  if (password.trim() === '') problems.push('must not be only spaces');
  const lowered = password.toLowerCase();
  if (commonPasswords.has(lowered)) problems.push('is too common');
  if (new Set(lowered).size < 4) problems.push('must use at least 4 different characters');
  const localPart = account.email.split('@')[0]?.toLowerCase() ?? '';
  if (localPart.length >= 4 && lowered.includes(localPart)) problems.push('must not contain the email address');
  if (lowered === account.email.toLowerCase()) problems.push('must not be the email address');
  const name = account.name?.trim().toLowerCase() ?? '';
  if (name.length >= 4 && lowered === name) problems.push('must not be the name');
  return [...new Set(problems)];
}

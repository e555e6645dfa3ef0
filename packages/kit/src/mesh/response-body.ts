/** A callee's answer as InvokeResponse.body: parsed JSON when it says JSON, its text otherwise, undefined when empty. */
export function parseResponseBody(contentType: string | undefined, text: string): unknown {
  if (text === '') return undefined;
  if (contentType && /[/+]json\b/.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

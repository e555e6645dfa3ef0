/** The origin the black-box suite talks to; every request goes over HTTP to it, nothing else is shared. */
export function baseUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: run the suite through jest (it starts a topology) or set it');
  return url.replace(/\/$/, '');
}

/** The origin the black-box suite talks to; every request goes over HTTP to it, nothing else is shared. */
export function baseUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: run the suite through jest (it starts a topology) or set it');
  return url.replace(/\/$/, '');
}

/**
 * Each service's own base URL (its app port), where in-cluster callers and Prometheus reach it, when the topology
 * under test publishes them (the compose one: E2E_APP_URLS, JSON of service name to URL); undefined otherwise.
 */
export function appUrls(): Record<string, string> | undefined {
  const urls = process.env.E2E_APP_URLS;
  return urls ? (JSON.parse(urls) as Record<string, string>) : undefined;
}

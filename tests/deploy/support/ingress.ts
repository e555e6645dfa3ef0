import { type Manifest, ofKind } from './manifests';

/** One path rule of a rendered Ingress. */
export interface IngressRoute {
  ingress: string;
  path: string;
  pathType: string;
  /** The backend Service's name. */
  service: string;
  /** The backend Service's port name. */
  port: string;
}

export function ingressRoutes(manifests: Manifest[]): IngressRoute[] {
  return ofKind(manifests, 'Ingress').flatMap((ingress) =>
    ingress.spec.rules.flatMap((rule: { http: { paths: Array<Record<string, unknown>> } }) =>
      rule.http.paths.map((path) => {
        const backend = (path.backend as { service: { name: string; port: { name: string } } }).service;
        return {
          ingress: ingress.metadata.name,
          path: path.path as string,
          pathType: path.pathType as string,
          service: backend.name,
          port: backend.port.name,
        };
      }),
    ),
  );
}

/**
 * The rule a request path takes, as the Ingress specification matches (every controller of one host merges the
 * Ingresses' rules): an Exact path equal to it, else the longest Prefix whose path elements it starts with.
 */
export function ingressRouteFor(routes: IngressRoute[], path: string): IngressRoute | undefined {
  const exact = routes.find((r) => r.pathType === 'Exact' && r.path === path);
  if (exact) return exact;
  const elements = (p: string) => p.split('/').filter((e) => e !== '');
  const requested = elements(path);
  return routes
    .filter((r) => r.pathType === 'Prefix')
    .filter((r) => elements(r.path).every((element, i) => requested[i] === element))
    .sort((a, b) => elements(b.path).length - elements(a.path).length)[0];
}

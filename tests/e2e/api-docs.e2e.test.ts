import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { topics } from '@shop/contracts';
import { baseUrl } from './support/base-url';

// The API as documented in the repository (docs/CONTRACT.md and docs/api.md) against the OpenAPI documents the
// running platform serves at /openapi/<service>.json: every route a client may call is documented, and every
// documented route exists, so the documents cannot drift from the code.

const docsDir = join(__dirname, '..', '..', 'docs');
const documented = ['CONTRACT.md', 'api.md'].map((file) => readFileSync(join(docsDir, file), 'utf8')).join('\n');

const verbs = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** `/api/products/:id`, `/api/products/{id}` and `/api/products/{productId}` are one route. */
const normalise = (path: string) =>
  path
    .replace(/[?#].*$/, '')
    .replace(/\{[^}/]+\}|:[A-Za-z]\w*/g, '{}')
    .replace(/\/$/, '');

/**
 * Where the documents name routes: table rows `| verbs | paths | ...` and inline `VERB /path`. A row may name
 * several verbs and paths at once (`GET, PUT, DELETE | /api/carts/:cartId, /api/carts/:cartId/items/:productId`),
 * meaning each of its routes is one of those verbs on one of those paths.
 */
interface Mention {
  verbs: string[];
  paths: string[];
}

function mentions(markdown: string): Mention[] {
  const found: Mention[] = [];
  const add = (verbList: string, pathList: string) => {
    const listed = verbList.split(/[,\s]+/).filter((verb) => (verbs as readonly string[]).includes(verb));
    const paths = (pathList.match(/\/[A-Za-z0-9_{}:./?=&,-]*[A-Za-z0-9_}]/g) ?? []).map(normalise);
    if (listed.length > 0 && paths.length > 0) found.push({ verbs: listed, paths });
  };
  for (const row of markdown.matchAll(/^\|\s*([A-Z, ]+?)\s*\|\s*([^|]+?)\s*\|/gm)) {
    add(row[1] ?? '', (row[2] ?? '').replace(/`/g, ''));
  }
  for (const inline of markdown.matchAll(
    /`((?:GET|POST|PUT|PATCH|DELETE)(?:, (?:GET|POST|PUT|PATCH|DELETE))*) (\/[^`\s]*)/g,
  )) {
    add(inline[1] ?? '', inline[2] ?? '');
  }
  return found;
}

async function servedRoutes(): Promise<Map<string, string>> {
  const docsPage = await (await fetch(`${baseUrl()}/docs`)).text();
  const services = [...docsPage.matchAll(/"url":"\/openapi\/([a-z-]+)\.json"/g)].map((match) => match[1] as string);
  expect(services.length).toBeGreaterThan(5);
  const routes = new Map<string, string>();
  for (const service of services) {
    const res = await fetch(`${baseUrl()}/openapi/${service}.json`);
    expect([service, res.status]).toEqual([service, 200]);
    const document = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) {
        const verb = method.toUpperCase();
        if ((verbs as readonly string[]).includes(verb)) routes.set(`${verb} ${normalise(path)}`, service);
      }
    }
  }
  return routes;
}

describe('the API documented in the repository', () => {
  it('names every route the services serve, and no route they do not', async () => {
    const served = await servedRoutes();
    const documentedMentions = mentions(documented);
    const isDocumented = (route: string) => {
      const [verb, path] = route.split(' ') as [string, string];
      return documentedMentions.some((mention) => mention.verbs.includes(verb) && mention.paths.includes(path));
    };
    const undocumented = [...served.keys()].filter((route) => !isDocumented(route));
    expect(undocumented.map((route) => `${route} (${served.get(route)})`)).toEqual([]);

    // Each documented path under /api/ is served with one of its row's verbs, and each verb on one of its paths.
    const unserved: string[] = [];
    for (const mention of documentedMentions) {
      const paths = mention.paths.filter((path) => path.startsWith('/api/'));
      if (paths.length === 0) continue;
      for (const path of paths) {
        if (!mention.verbs.some((verb) => served.has(`${verb} ${path}`)))
          unserved.push(`${mention.verbs.join(', ')} ${path}`);
      }
      for (const verb of mention.verbs) {
        if (!paths.some((path) => served.has(`${verb} ${path}`))) unserved.push(`${verb} ${paths.join(', ')}`);
      }
    }
    expect([...new Set(unserved)]).toEqual([]);
  });

  it('names every topic the platform publishes', () => {
    const unnamed = Object.values(topics).filter(
      (topic) => !documented.includes(`\`${topic}\``) && !documented.includes(topic),
    );
    expect(unnamed).toEqual([]);
  });
});

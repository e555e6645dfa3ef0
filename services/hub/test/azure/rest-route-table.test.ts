import { azureRestRoutes } from '../../src/azure/rest-route-table';
import { matchRoutes } from '../../src/azure/rest-routes';

const parametersOf = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name).sort();
const segmentsOf = (path: string) => path.split('/').map((segment) => (segment.startsWith('{') ? 'x' : segment));

describe('the REST route table', () => {
  it('gives every alias of a route the same path parameters, so that one handler serves them all', () => {
    for (const route of azureRestRoutes) {
      const [own, ...aliases] = route.paths;
      for (const alias of aliases) expect([alias, parametersOf(alias)]).toEqual([alias, parametersOf(own as string)]);
    }
  });

  it('leaves no path and method to two routes', () => {
    for (const route of azureRestRoutes) {
      for (const path of route.paths) {
        for (const verb of route.verbs) {
          const claimants = matchRoutes(azureRestRoutes, segmentsOf(path)).filter((match) =>
            match.route.verbs.includes(verb),
          );
          expect([verb, path, claimants.map((match) => match.route.summary)]).toEqual([verb, path, [route.summary]]);
        }
      }
    }
  });

  it('serves both styles: every route of the v1 style also has its api-version path', () => {
    const v1Only = azureRestRoutes.filter((route) => route.paths.every((path) => path.startsWith('v1/')));
    expect(v1Only.map((route) => route.summary)).toEqual([]);
  });
});

// The layer rules of every service (README, "Inside a service"): dependencies point inward. `npm run lint:layers`
// checks them; `npm test` runs it.
const sameService = '$1';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-innermost',
      comment:
        'The domain imports nothing outward: no application, infrastructure, http, subscriptions or service set-up.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/domain/' },
      to: { path: `^services/${sameService}/src/(?!domain/)` },
    },
    {
      name: 'application-uses-ports',
      comment:
        'Application code talks to ports; adapters (infrastructure) and the HTTP layer depend on it, not the other way.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/application/' },
      to: { path: `^services/${sameService}/src/(infrastructure|http|subscriptions)/` },
    },
    {
      name: 'application-has-no-orm',
      comment:
        'Application code gets its stores through ports and a unit of work (application/ports.ts); TypeORM stays in infrastructure.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/application/' },
      to: { path: '(^|/)typeorm(/|$)' },
    },
    {
      name: 'http-does-not-reach-infrastructure',
      comment: 'Routes call application handlers; storage and adapters are wired in service.ts.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/http/' },
      to: { path: `^services/${sameService}/src/infrastructure/` },
    },
    {
      name: 'subscriptions-do-not-reach-http',
      comment: 'Event consumers and routes are both edges of the application; neither imports the other.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/subscriptions/' },
      to: { path: `^services/${sameService}/src/http/` },
    },
    {
      name: 'no-service-imports-another',
      comment: 'Services share only packages (contracts, kit); the edge hosts manifests and is the one exception.',
      severity: 'error',
      from: { path: '^services/(?!edge/)([^/]+)/' },
      to: { path: '^services/', pathNot: `^services/${sameService}/` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(test|dist)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
  },
};

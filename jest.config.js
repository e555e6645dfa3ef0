// Every suite, in projects that keep their set-ups apart; tools/test.sh runs the isolated ones two at a time, then the
// platform ones (one file at a time per project) in two lanes side by side.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline' },
  ],
};
const common = { transform, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/packages/*/test/**/*.test.ts',
        '<rootDir>/services/*/test/**/*.test.ts',
        // The benchmark's own helpers (CPU accounting, receipt counting), beside them.
        '<rootDir>/bench/**/*.test.ts',
        // The layer rules `npm run lint:layers` enforces, proven against planted violations.
        '<rootDir>/tests/architecture/**/*.test.ts',
      ],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', '\\.containers\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/packages/*/test/**/*.int.test.ts', '<rootDir>/services/*/test/**/*.int.test.ts'],
      globalSetup: '<rootDir>/packages/testkit/src/global-setup.ts',
    },
    {
      // Whole-platform fault and duplicate-delivery proofs: processes killed and restarted, every event twice.
      ...common,
      displayName: 'system',
      testMatch: ['<rootDir>/tests/system/**/*.test.ts'],
      globalSetup: '<rootDir>/packages/testkit/src/global-setup.ts',
    },
    {
      // Dockerfiles, the Helm chart, k8s/, the Tiltfile and docker-compose.yml, checked offline with helm,
      // kubeconform and tools/deploy-check (built from Go modules by tools/build-deploy-tools.sh).
      ...common,
      displayName: 'deploy',
      testMatch: ['<rootDir>/tests/deploy/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/deploy/support/global-setup.ts',
    },
    {
      // Every service's image built with Podman (tools/containers) and run as the chart runs it: non-root, read-only
      // root filesystem, no network, its health check, SIGTERM, its size.
      ...common,
      displayName: 'images',
      testMatch: ['<rootDir>/tests/images/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/images/support/global-setup.ts',
      testTimeout: 120_000,
    },
    {
      ...common,
      displayName: 'e2e-embedded',
      // The attack suite (tests/security) runs against each topology's public origin too; tests/security/dapr
      // attacks what only the Dapr topology has (service and sidecar ports, the production gateway).
      testMatch: ['<rootDir>/tests/e2e/**/*.e2e.test.ts', '<rootDir>/tests/security/*.attack.test.ts'],
      globalSetup: '<rootDir>/tests/e2e/support/start-embedded.ts',
      globalTeardown: '<rootDir>/tests/e2e/support/stop-embedded.ts',
      setupFiles: ['<rootDir>/tests/e2e/support/use-embedded.ts'],
    },
    {
      ...common,
      displayName: 'e2e-dapr',
      testMatch: ['<rootDir>/tests/e2e/**/*.e2e.test.ts', '<rootDir>/tests/security/**/*.attack.test.ts'],
      globalSetup: '<rootDir>/tests/e2e/support/start-dapr.ts',
      globalTeardown: '<rootDir>/tests/e2e/support/stop-dapr.ts',
      setupFiles: ['<rootDir>/tests/e2e/support/use-dapr.ts'],
    },
    {
      // The same black-box suite against docker-compose.yml run for real (Podman here, tools/compose.sh), from the
      // images tools/test.sh built; tests/security/dapr attacks the host topology's own ports and stays there.
      ...common,
      displayName: 'e2e-compose',
      testMatch: ['<rootDir>/tests/e2e/**/*.e2e.test.ts', '<rootDir>/tests/security/*.attack.test.ts'],
      globalSetup: '<rootDir>/tests/e2e/support/start-compose.ts',
      globalTeardown: '<rootDir>/tests/e2e/support/stop-compose.ts',
      setupFiles: ['<rootDir>/tests/e2e/support/use-compose.ts'],
    },
  ],
};

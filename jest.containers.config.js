// `npm run test:containers`: suites that need a Docker engine (SQL Server and Redis as containers).
// The project's own machines have none, so this config is not part of `npm test`.
const base = require('./jest.config.js');

const unit = base.projects.find((project) => project.displayName === 'unit');

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 120_000,
  projects: [
    {
      ...unit,
      displayName: 'containers',
      testMatch: [
        '<rootDir>/packages/*/test/**/*.containers.test.ts',
        '<rootDir>/services/*/test/**/*.containers.test.ts',
      ],
      testPathIgnorePatterns: [],
      globalSetup: '<rootDir>/packages/testkit/src/containers-global-setup.ts',
    },
  ],
};

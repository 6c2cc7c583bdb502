/** Unit specs live beside the code (src/**/*.spec.ts), end-to-end specs in test/. */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: '(src/.*\\.spec|test/.*\\.e2e-spec)\\.ts$',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json', isolatedModules: true }] },
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  setupFiles: ['<rootDir>/test/helpers/env.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
};

/** Jest runs the TypeScript sources as ES modules (see package.json "test"). */
// Before anything else: on an older Node.js, one line with the fix instead of hundreds of failing tests.
import './platform/require-node.cjs';

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  // In CI a test that fails before it can close a server must not keep the run waiting until its
  // time limit; jest still names the open handles in its warning. Locally, leaks stay visible.
  forceExit: process.env.CI === 'true',
};

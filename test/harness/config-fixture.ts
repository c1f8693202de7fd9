import type { ServiceConfig } from '../../src/stevedore/config/config.js';

/** A service as the configuration would declare it, for tests that do not read a file. */
export function serviceConfig(name: string, overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    name,
    description: '',
    ttlMs: 90_000,
    expireMs: 3_600_000,
    maxInstances: null,
    declaredAt: { file: 'test.conf', line: 1, col: 1 },
    ...overrides,
  };
}

import type { Config, ServiceConfig } from '../../src/stevedore/config/config.js';

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

/** A Config with the documented defaults and the given services. */
export function configWith(services: ServiceConfig[], overrides: Partial<Config> = {}): Config {
  return {
    services,
    listen: [{ host: '0.0.0.0', port: 8990 }],
    agentxSocket: { kind: 'unix', path: '/var/agentx/master' },
    agentxPingIntervalMs: 15_000,
    snmpListen: null,
    snmpCommunity: 'public',
    ttlMs: 90_000,
    expireMs: 3_600_000,
    maxOutputBytes: 4096,
    maxInstances: 10_000,
    allow: [],
    deny: [],
    token: null,
    stateFile: null,
    pidfile: null,
    user: null,
    group: null,
    logLevel: 'info',
    syslog: false,
    syslogFacility: 'daemon',
    syslogTag: 'stevedore',
    dockerSocket: null,
    verifySource: false,
    files: ['test.conf'],
    ...overrides,
  };
}

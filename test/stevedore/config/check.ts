import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { Config } from '../../../src/stevedore/config/config.js';
import { loadConfig, type LoadOptions } from '../../../src/stevedore/config/load.js';
import type { Preprocessor } from '../../../src/stevedore/options.js';
import { tempDir } from '../../harness/temp-dir.js';

/** A Config as the cases compare it: the statements' locations are checked by their own test. */
export type CheckedConfig = Omit<Config, 'statementsAt'>;

export interface Checked {
  config: CheckedConfig | null;
  /** Where each statement was given, file names relative to the test's directory. */
  statementsAt: Config['statementsAt'] | null;
  /** Each as --lint prints it, file names relative to the test's directory. */
  errors: string[];
  codes: string[];
}

/**
 * Writes `files` (test.conf is the main one) to a private directory and loads test.conf as
 * stevedore would; results name files relative to that directory.
 */
export async function check(files: string | Record<string, string>, preprocessor: Preprocessor = { kind: 'none' }, limits?: LoadOptions['limits']): Promise<Checked> {
  const dir = tempDir('config');
  try {
    const all = typeof files === 'string' ? { 'test.conf': files } : files;
    for (const [name, text] of Object.entries(all)) {
      mkdirSync(dirname(dir.file(name)), { recursive: true });
      writeFileSync(dir.file(name), text);
    }
    const result = await loadConfig(join(dir.path, 'test.conf'), { preprocessor, ...(limits && { limits }) });
    const relative = (text: string): string => text.split(`${dir.path}/`).join('');
    if (result.ok) {
      const { statementsAt, ...config } = JSON.parse(relative(JSON.stringify(result.config))) as Config;
      return { config, statementsAt, errors: [], codes: [] };
    }
    return { config: null, statementsAt: null, errors: result.errors.map((e) => relative(e.format())), codes: result.errors.map((e) => e.code) };
  } finally {
    dir.remove();
  }
}

export const M4: Preprocessor = { kind: 'm4' };

/** The Config of a file that declares `service DB;` on line 1 and nothing else. */
export function defaults(overrides: Partial<CheckedConfig> = {}): CheckedConfig {
  return {
    services: [{ name: 'DB', description: '', ttlMs: 90_000, expireMs: 3_600_000, maxInstances: null, declaredAt: { file: 'test.conf', line: 1, col: 1 } }],
    listen: [{ host: '0.0.0.0', port: 8990 }],
    agentxSocket: { kind: 'unix', path: '/var/agentx/master' },
    agentxPingIntervalMs: 15_000,
    snmpListen: null,
    snmpCommunity: 'public',
    snmpContact: '',
    snmpLocation: '',
    snmpUsers: [],
    snmpTrapSinks: [],
    ttlMs: 90_000,
    expireMs: 3_600_000,
    maxOutputBytes: 4096,
    maxInstances: 10_000,
    allow: [
      { family: 4, address: '127.0.0.0', prefix: 8, text: '127.0.0.0/8' },
      { family: 6, address: '::1', prefix: 128, text: '::1/128' },
      { family: 4, address: '10.0.0.0', prefix: 8, text: '10.0.0.0/8' },
      { family: 4, address: '172.16.0.0', prefix: 12, text: '172.16.0.0/12' },
      { family: 4, address: '192.168.0.0', prefix: 16, text: '192.168.0.0/16' },
      { family: 6, address: 'fc00::', prefix: 7, text: 'fc00::/7' },
    ],
    deny: [],
    token: null,
    rateLimit: { perSecond: 50, burst: 200 },
    httpListen: [{ host: '127.0.0.1', port: 8991 }],
    httpAllow: [
      { family: 4, address: '127.0.0.0', prefix: 8, text: '127.0.0.0/8' },
      { family: 6, address: '::1', prefix: 128, text: '::1/128' },
    ],
    httpHosts: [],
    httpToken: null,
    maxConnections: 512,
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
    dockerHealth: false,
    autoServices: true,
    dockerChecks: false,
    etcdEndpoints: [],
    etcdPrefix: '/SERVICE',
    etcdTtlSeconds: 10,
    clusterName: null,
    clusterHost: hostname().split('.')[0] as string,
    clusterView: false,
    files: ['test.conf'],
    ...overrides,
  };
}

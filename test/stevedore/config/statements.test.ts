import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { configHelp } from '../../../src/stevedore/config/help.js';
import { loadConfig } from '../../../src/stevedore/config/load.js';
import { parse } from '../../../src/stevedore/config/parse.js';
import { readSource } from '../../../src/stevedore/config/preprocess.js';
import { SERVICE_STATEMENTS, STATEMENTS } from '../../../src/stevedore/config/statements.js';
import { ROOT } from '../../harness/built.js';
import { requireTool } from '../../harness/require-tool.js';

const NAMES_OF_THE_ISSUE = [
  'service', 'listen', 'agentx-socket', 'agentx-ping-interval', 'snmp-listen', 'snmp-community', 'ttl', 'expire', 'max-output',
  'max-instances', 'allow', 'deny', 'token', 'state-file', 'pidfile', 'user', 'group', 'log-level', 'syslog', 'syslog-facility',
  'syslog-tag', 'include',
  // Issue 6: following Docker.
  'docker-socket', 'verify-source',
  // Issue 9: hardening.
  'rate-limit', 'max-connections',
  // Issue 13: the embedded SNMP agent.
  'snmp-contact', 'snmp-location', 'snmp-user', 'snmp-trap-sink',
  // Issue 14: reads on their own listener (http-host: names read by without a token, see decisions.md).
  'http-listen', 'http-allow', 'http-host', 'http-token',
  // Issue 10: Docker's own health checks.
  'docker-health', 'auto-services',
  // Issue 11: docker-checks and the etcd sink (etcd-ttl: the lease's TTL, see decisions.md).
  'docker-checks', 'etcd-endpoints', 'etcd-prefix', 'etcd-ttl',
  // Issue 15: many Docker hosts, one view.
  'cluster-name', 'cluster-host', 'cluster-view',
];

describe('the table of statements', () => {
  test('holds exactly the statements of the contract, and the service block\'s', () => {
    assert.deepEqual(STATEMENTS.map((s) => s.name).sort(), [...NAMES_OF_THE_ISSUE].sort());
    assert.deepEqual(SERVICE_STATEMENTS.map((s) => s.name), ['description', 'ttl', 'expire', 'max-instances']);
  });

  test('--config-help shows every statement with its arguments and default, from the table', () => {
    const help = configHelp();
    for (const spec of [...STATEMENTS, ...SERVICE_STATEMENTS]) {
      assert.match(help, new RegExp(`^ *${spec.name} ${spec.synopsis.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')};`, 'm'), spec.name);
    }
    assert.match(help, /^ttl DURATION; +no report for this long: an instance turns stale \[90s\]$/m);
    assert.match(help, /^ +\[127\.0\.0\.0\/8 ::1\/128 10\.0\.0\.0\/8 172\.16\.0\.0\/12 192\.168\.0\.0\/16 fc00::\/7\]$/m);
    assert.match(help, /^service NAME \{ \.\.\. \} +the same, with settings of its own:$/m);
    assert.match(help, /^ {4}ttl DURATION; +this service's ttl \[the global ttl\]$/m);
    assert.match(help, /^docker-health yes\|no; +containers with a Docker HEALTHCHECK are instances.*\n +\[yes with docker-socket\]$/m);
    assert.match(help, /^auto-services yes\|no; +services that containers name .* are created with the defaults.*\n +\[yes\]$/m);
    assert.match(help, /^docker-checks: a service it finds \(IMAGENAME\) that no `service` declares is created with the\ndefaults/m);
  });

  test('conf/stevedore.conf uses every statement, and is valid (through m4)', async () => {
    requireTool('m4', 'm4');
    const file = `${ROOT}conf/stevedore.conf`;
    const source = await readSource(file, { kind: 'm4' });
    assert.ok(source.ok);
    const parsed = parse(source.text, file, source.map);
    assert.ok(parsed.ok);
    const used = new Set(parsed.ast.statements.flatMap((s) => [s.keyword.value, ...(s.block?.statements ?? []).map((b) => b.keyword.value)]));
    for (const spec of [...STATEMENTS, ...SERVICE_STATEMENTS]) assert.ok(used.has(spec.name), `conf/stevedore.conf does not show '${spec.name}'`);
    const loaded = await loadConfig(file, { preprocessor: { kind: 'm4' } });
    assert.deepEqual(loaded.ok ? [] : loaded.errors.map((e) => e.format()), []);
  });

  test('conf/development.conf: loopback only, no snmpd, its state in dist/', async () => {
    requireTool('m4', 'm4');
    const loaded = await loadConfig(`${ROOT}conf/development.conf`, { preprocessor: { kind: 'm4' } });
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.map((e) => e.format()).join('\n'));
    const { config } = loaded;
    assert.deepEqual(config.services.map((s) => s.name), ['demo', 'DB']);
    assert.deepEqual(config.listen, [{ host: '127.0.0.1', port: 8990 }]);
    assert.equal(config.agentxSocket, null);
    assert.deepEqual(config.snmpListen, { host: '127.0.0.1', port: 16161 });
    assert.equal(config.stateFile, `${ROOT}dist/development-state.json`);
    assert.equal(config.logLevel, 'info');
  });
});

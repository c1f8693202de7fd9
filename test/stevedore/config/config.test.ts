import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceConfig } from '../../../src/stevedore/config/config.js';
import { declaredAt } from '../../../src/stevedore/config/declared-at.js';
import { check, defaults, type CheckedConfig } from './check.js';

const at = (line: number, col = 1, file = 'test.conf'): ServiceConfig['declaredAt'] => ({ file, line, col });
const service = (name: string, line: number, extra: Partial<ServiceConfig> = {}): ServiceConfig => ({
  name,
  description: '',
  ttlMs: 90_000,
  expireMs: 3_600_000,
  maxInstances: null,
  declaredAt: at(line),
  ...extra,
});

const valid: { name: string; text: string; config: CheckedConfig }[] = [
  { name: 'one service and every default', text: 'service DB;\n', config: defaults() },
  {
    name: 'docker-socket turns verify-source on, relative paths from the file',
    text: 'service DB;\ndocker-socket docker.sock;\n',
    config: defaults({ dockerSocket: 'docker.sock', verifySource: true, dockerHealth: true }),
  },
  {
    name: 'docker-health no, auto-services no',
    text: 'service DB;\ndocker-socket /d.sock;\ndocker-health no;\nauto-services no;\n',
    config: defaults({ dockerSocket: '/d.sock', verifySource: true, dockerHealth: false, autoServices: false }),
  },
  {
    name: 'docker-socket with verify-source off',
    text: 'service DB;\ndocker-socket /var/run/docker.sock;\nverify-source no;\n',
    config: defaults({ dockerSocket: '/var/run/docker.sock', verifySource: false, dockerHealth: true }),
  },
  { name: 'rate-limit without a burst: four times the rate', text: 'service DB;\nrate-limit 5;\n', config: defaults({ rateLimit: { perSecond: 5, burst: 20 } }) },
  { name: 'rate-limit off', text: 'service DB;\nrate-limit off;\n', config: defaults({ rateLimit: null }) },
  {
    name: 'every top-level statement',
    text: `service DB;
listen 127.0.0.1:9000;
listen [::1];
agentx-socket tcp:127.0.0.1:705;
agentx-ping-interval 1m;
snmp-listen 0.0.0.0:161;
snmp-community s3cret;
ttl 2m;
expire 2h;
max-output 1M;
max-instances 50;
allow 10.0.0.0/8 fd00::/8;
deny 10.9.9.9;
token abc-DEF_123.~+/=;
rate-limit 10 15;
max-connections 64;
state-file /var/lib/stevedore/state.json;
pidfile /run/stevedore.pid;
user daemon;
group 1000;
log-level debug;
syslog on;
syslog-facility local3;
syslog-tag sd;
`,
    config: defaults({
      services: [service('DB', 1, { ttlMs: 120_000, expireMs: 7_200_000 })],
      listen: [{ host: '127.0.0.1', port: 9000 }, { host: '::1', port: 8990 }],
      agentxSocket: { kind: 'tcp', host: '127.0.0.1', port: 705 },
      agentxPingIntervalMs: 60_000,
      snmpListen: { host: '0.0.0.0', port: 161 },
      snmpCommunity: 's3cret',
      ttlMs: 120_000,
      expireMs: 7_200_000,
      maxOutputBytes: 1024 * 1024,
      maxInstances: 50,
      allow: [
        { family: 4, address: '10.0.0.0', prefix: 8, text: '10.0.0.0/8' },
        { family: 6, address: 'fd00::', prefix: 8, text: 'fd00::/8' },
      ],
      deny: [{ family: 4, address: '10.9.9.9', prefix: 32, text: '10.9.9.9' }],
      token: 'abc-DEF_123.~+/=',
      rateLimit: { perSecond: 10, burst: 15 },
      maxConnections: 64,
      stateFile: '/var/lib/stevedore/state.json',
      pidfile: '/run/stevedore.pid',
      user: 'daemon',
      group: '1000',
      logLevel: 'debug',
      syslog: true,
      syslogFacility: 'local3',
      syslogTag: 'sd',
    }),
  },
  {
    name: 'a service block, and the global ttl and expire inherited wherever they stand',
    text: 'service DB { description "MariaDB \\"primary\\"\\t\\\\ 1"; ttl 30s; max-instances 3; };\nservice web {}\nttl 1d;\nexpire 5m;\n',
    config: defaults({
      services: [
        service('DB', 1, { description: 'MariaDB "primary"\t\\ 1', ttlMs: 30_000, expireMs: 300_000, maxInstances: 3 }),
        service('web', 2, { ttlMs: 86_400_000, expireMs: 300_000 }),
      ],
      ttlMs: 86_400_000,
      expireMs: 300_000,
    }),
  },
  {
    name: 'durations: seconds by default, s m h d',
    text: 'service a { ttl 30; expire 45s; }\nservice b { ttl 5m; expire 2h; }\nagentx-ping-interval 1d;\n',
    config: defaults({
      services: [service('a', 1, { ttlMs: 30_000, expireMs: 45_000 }), service('b', 2, { ttlMs: 300_000, expireMs: 7_200_000 })],
      agentxPingIntervalMs: 86_400_000,
    }),
  },
  { name: 'sizes: bytes, k', text: 'service DB;\nmax-output 512;\n', config: defaults({ maxOutputBytes: 512 }) },
  { name: 'sizes: 4k', text: 'service DB;\nmax-output 4k;\n', config: defaults({ maxOutputBytes: 4096 }) },
  ...(['yes', 'true', 'on'] as const).map((word) => ({ name: `boolean ${word}`, text: `service DB;\nsyslog ${word};\n`, config: defaults({ syslog: true }) })),
  ...(['no', 'false', 'off'] as const).map((word) => ({ name: `boolean ${word}`, text: `service DB;\nsyslog ${word};\n`, config: defaults({ syslog: false }) })),
  {
    name: 'listen addresses: a host name, bare IPv6, IPv6 with a port',
    text: 'service DB;\nlisten localhost;\nlisten ::;\nlisten [2001:DB8::1]:8991;\n',
    config: defaults({ listen: [{ host: 'localhost', port: 8990 }, { host: '::', port: 8990 }, { host: '2001:DB8::1', port: 8991 }] }),
  },
  { name: 'agentx-socket as a path', text: 'service DB;\nagentx-socket /run/agentx.sock;\n', config: defaults({ agentxSocket: { kind: 'unix', path: '/run/agentx.sock' } }) },
  { name: 'agentx-socket unix:', text: 'service DB;\nagentx-socket unix:/run/a;\n', config: defaults({ agentxSocket: { kind: 'unix', path: '/run/a' } }) },
  { name: 'agentx-socket over tcp and IPv6', text: 'service DB;\nagentx-socket tcp:[::1]:705;\n', config: defaults({ agentxSocket: { kind: 'tcp', host: '::1', port: 705 } }) },
  { name: 'agentx-socket none', text: 'service DB;\nagentx-socket none;\n', config: defaults({ agentxSocket: null }) },
  {
    name: 'allow adds up over statements and replaces the default; IPv6 normalised',
    text: 'service DB;\nallow 2001:DB8:0:0:0:0:0:0/32;\nallow 192.168.1.0/24\n  ::/0;\n',
    config: defaults({
      allow: [
        { family: 6, address: '2001:db8::', prefix: 32, text: '2001:DB8:0:0:0:0:0:0/32' },
        { family: 4, address: '192.168.1.0', prefix: 24, text: '192.168.1.0/24' },
        { family: 6, address: '::', prefix: 0, text: '::/0' },
      ],
    }),
  },
  {
    name: 'comments of every kind, quoted arguments, CRLF line ends and a byte-order mark',
    text: '\uFEFF# hash\r\n// slashes\r\n/* a\r\n block */ service /* inline */ "DB"; # after\r\nmax-instances "7";\r\nsnmp-community a#b//c;\r\n',
    config: defaults({ services: [service('DB', 4, { declaredAt: at(4, 11) })], maxInstances: 7, snmpCommunity: 'a#b//c' }),
  },
  {
    name: 'relative paths are relative to the file that names them',
    text: 'service DB;\nstate-file state/registry.json;\npidfile ./stevedore.pid;\n',
    config: defaults({ stateFile: 'state/registry.json', pidfile: 'stevedore.pid' }),
  },
  {
    name: 'docker-checks and etcd: endpoints with the default port, a prefix and a lease TTL',
    text: 'service DB;\ndocker-socket /run/docker.sock;\ndocker-checks yes;\netcd-endpoints 127.0.0.1:2379 etcd.example;\netcd-endpoints [::1]:2380;\netcd-prefix /discovery/prod;\netcd-ttl 1m;\n',
    config: defaults({
      dockerSocket: '/run/docker.sock',
      verifySource: true,
      dockerHealth: true,
      dockerChecks: true,
      etcdEndpoints: [{ host: '127.0.0.1', port: 2379 }, { host: 'etcd.example', port: 2379 }, { host: '::1', port: 2380 }],
      etcdPrefix: '/discovery/prod',
      etcdTtlSeconds: 60,
    }),
  },
  {
    name: 'a service name of 64 characters, all the allowed kinds',
    text: `service ${'a'.repeat(60)}_.-9;\n`,
    config: defaults({ services: [service(`${'a'.repeat(60)}_.-9`, 1)] }),
  },
];

const invalid: { name: string; text: string; errors: string[] }[] = [
  {
    name: 'docker-checks yes without docker-socket',
    text: 'service DB;\ndocker-checks yes;\n',
    errors: ['test.conf:2:15: docker-checks yes needs docker-socket: stevedore finds and checks the containers through the Docker Engine API'],
  },
  {
    name: 'an etcd prefix that is no absolute path, and an etcd lease too short to renew',
    text: 'service DB;\netcd-prefix SERVICE;\netcd-ttl 2s;\n',
    errors: [
      "test.conf:2:13: bad etcd-prefix 'SERVICE': a path starting with '/' of printable ASCII without spaces, as /SERVICE",
      "test.conf:3:10: bad etcd-ttl '2s': at least 3s (the lease is renewed every third of it)",
    ],
  },
  {
    name: 'verify-source yes without docker-socket',
    text: 'service DB;\nverify-source yes;\n',
    errors: ["test.conf:2:15: verify-source yes needs docker-socket: stevedore checks a report's source address against the container it names"],
  },
  {
    name: 'docker-health yes without docker-socket',
    text: 'service DB;\ndocker-health yes;\n',
    errors: ["test.conf:2:15: docker-health yes needs docker-socket: stevedore reads Docker's health checks through the Engine API"],
  },
  { name: "a missing ';' at the end of the file", text: 'service DB', errors: ["test.conf:1:11: expected ';' after 'service DB'"] },
  {
    name: "a missing ';' before the next line's statement",
    text: 'service DB\nlisten 127.0.0.1;\n',
    errors: ["test.conf:1:11: expected ';' after 'service DB'"],
  },
  {
    name: "a missing ';' before a closing brace",
    text: 'service DB {\n  description "x"\n}\n',
    errors: ["test.conf:2:18: expected ';' after 'description \"x\"'"],
  },
  {
    name: "a missing ';' after a list, found by the statement name that follows",
    text: 'service DB;\nallow 10.0.0.0/8\nttl 5s;\n',
    errors: ["test.conf:2:17: expected ';' after 'allow 10.0.0.0/8'"],
  },
  { name: 'a misspelt statement', text: 'servce DB;\n', errors: ["test.conf:1:1: unknown statement 'servce' (did you mean 'service'?)", "test.conf: no service declared: add at least one 'service NAME;'"] },
  { name: 'an unknown statement', text: 'service DB;\nfrobnicate 1;\n', errors: ["test.conf:2:1: unknown statement 'frobnicate' (stevedore --config-help lists them)"] },
  { name: 'a misspelt statement in a service block', text: 'service DB { tll 5s; }\n', errors: ["test.conf:1:14: unknown statement 'tll' (did you mean 'ttl'?)"] },
  {
    name: 'a service defined twice',
    text: '# services\n\nservice DB;\nservice web;\nservice DB { ttl 5s; }\n',
    errors: ["test.conf:5:9: service 'DB' already defined at test.conf:3"],
  },
  { name: 'a bad duration', text: 'service DB;\nttl 5x;\n', errors: ["test.conf:2:5: bad duration '5x' (use 30s, 5m, 2h)"] },
  { name: 'a zero duration', text: 'service DB;\nttl 0s;\n', errors: ["test.conf:2:5: bad duration '0s': it must be at least 1s"] },
  { name: 'a duration past what a timer can wait', text: 'service DB;\nexpire 25d;\n', errors: ["test.conf:2:8: bad duration '25d': at most 24d"] },
  { name: 'a bad size', text: 'service DB;\nmax-output 4kb;\n', errors: ["test.conf:2:12: bad size '4kb' (use 512, 4k, 1M)"] },
  { name: 'a huge size', text: 'service DB;\nmax-output 2048M;\n', errors: ["test.conf:2:12: bad size '2048M': at most 1024M"] },
  { name: 'a count of zero', text: 'service DB;\nmax-instances 0;\n', errors: ["test.conf:2:15: bad number '0' (a whole number from 1 to 2147483647)"] },
  {
    name: 'a bad rate-limit',
    text: 'service DB;\nrate-limit fast 0;\n',
    errors: [
      "test.conf:2:12: bad number 'fast' (a whole number from 1 to 2147483647); or 'rate-limit off;'",
      "test.conf:2:17: bad number '0' (a whole number from 1 to 2147483647)",
    ],
  },
  { name: 'a bad boolean', text: 'service DB;\nsyslog maybe;\n', errors: ["test.conf:2:8: bad boolean 'maybe' (use yes or no; true, false, on and off also work)"] },
  {
    name: 'a misspelt log level',
    text: 'service DB;\nlog-level warning;\n',
    errors: ["test.conf:2:11: bad log level 'warning' (did you mean 'warn'? use trace, debug, info, warn or error)"],
  },
  {
    name: 'an unknown syslog facility',
    text: 'service DB;\nsyslog-facility local9;\n',
    errors: [
      "test.conf:2:17: bad syslog facility 'local9' (did you mean 'local0'? use kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, local0, local1, local2, local3, local4, local5, local6 or local7)",
    ],
  },
  {
    name: 'CIDRs: host bits set, a prefix too long, not an address',
    text: 'service DB;\nallow 10.1.2.3/8 fd00::/129 10.0.0.0/08x;\ndeny example.com;\n',
    errors: [
      "test.conf:2:7: bad CIDR '10.1.2.3/8': host bits are set (did you mean 10.0.0.0/8?)",
      "test.conf:2:18: bad CIDR 'fd00::/129': an IPv6 prefix length is at most 128",
      "test.conf:2:29: bad CIDR '10.0.0.0/08x' (use an address and prefix length, as 10.0.0.0/8 or fd00::/8)",
      "test.conf:3:6: bad CIDR 'example.com' (use an address and prefix length, as 10.0.0.0/8 or fd00::/8)",
    ],
  },
  {
    name: 'addresses: a port out of range, no port where one is needed, not an address',
    text: 'service DB;\nlisten 0.0.0.0:0;\nsnmp-listen 127.0.0.1;\nlisten "a b";\nagentx-socket localhost:705;\nagentx-socket tcp:localhost;\n',
    errors: [
      "test.conf:2:8: bad address '0.0.0.0:0': the port must be a number from 1 to 65535 (use ADDRESS or ADDRESS:PORT, as 0.0.0.0:8990 or [::1]:8990)",
      "test.conf:3:13: bad address '127.0.0.1': the port is missing (use ADDRESS:PORT, as 127.0.0.1:161 or [::1]:161)",
      // No host name nor IP address: it may be a secret written in the wrong place.
      'test.conf:4:8: bad address, not repeated as it may be a secret (use ADDRESS or ADDRESS:PORT, as 0.0.0.0:8990 or [::1]:8990)',
      "test.conf:5:15: bad agentx-socket 'localhost:705' (use /path, unix:/path, tcp:HOST:PORT or none)",
      "test.conf:6:1: 'agentx-socket' already set at test.conf:5",
    ],
  },
  {
    name: 'the same listen address twice',
    text: 'service DB;\nlisten 127.0.0.1;\nlisten 127.0.0.1:8990;\n',
    errors: ["test.conf:3:8: listen '127.0.0.1:8990' already given at test.conf:2"],
  },
  {
    name: 'names: a service, a user, the community, the syslog tag, the token',
    text: `service "a b";\nservice ${'x'.repeat(65)};\nuser "r o";\nsnmp-community "pub lic";\nsyslog-tag ${'t'.repeat(33)};\ntoken "sec ret";\n`,
    errors: [
      "test.conf:1:9: bad service name 'a b' (1 to 64 characters of A-Z a-z 0-9 _ . -)",
      `test.conf:2:9: bad service name '${'x'.repeat(65)}' (1 to 64 characters of A-Z a-z 0-9 _ . -)`,
      "test.conf:3:6: bad user 'r o' (a user name or a numeric id)",
      "test.conf:4:16: 'snmp-community' takes NAME or none: its argument is not a community (1 to 64 visible ASCII characters)",
      `test.conf:5:12: bad syslog-tag '${'t'.repeat(33)}' (1 to 32 characters of A-Z a-z 0-9 _ . -)`,
      'test.conf:6:7: bad token: use only A-Z a-z 0-9 - . _ ~ + / and trailing = (a bearer token, as tallyman --token takes)',
    ],
  },
  {
    name: 'a description longer than the MIB holds',
    text: `service DB { description "${'é'.repeat(128)}"; }\n`,
    errors: ['test.conf:1:26: description too long: 256 bytes (at most 255)'],
  },
  {
    name: 'arguments: missing, one too many, a block where none belongs',
    text: 'service DB;\nttl;\nexpire 1h 2h;\nlog-level info { }\n',
    errors: [
      "test.conf:2:4: 'ttl' needs DURATION: ttl DURATION;",
      "test.conf:3:11: 'expire' takes one argument: expire DURATION;",
      "test.conf:4:16: 'log-level' takes no block: log-level LEVEL;",
    ],
  },
  {
    name: 'statements in the wrong place',
    text: 'service DB { listen 1.2.3.4; service x; }\ndescription "x";\n',
    errors: [
      "test.conf:1:14: 'listen' is not allowed in a service block (only description, ttl, expire, max-instances)",
      "test.conf:1:30: 'service' is not allowed in a service block (only description, ttl, expire, max-instances)",
      "test.conf:2:1: 'description' belongs in a service block: service NAME { description ...; }",
    ],
  },
  {
    name: 'a setting given twice, at the top and in a block',
    text: 'service DB { ttl 5s; ttl 6s; }\nttl 1m;\n\nttl 2m;\n',
    errors: ["test.conf:1:22: 'ttl' already set at test.conf:1", "test.conf:4:1: 'ttl' already set at test.conf:2"],
  },
  { name: 'no service at all', text: '# nothing yet\nttl 5m;\n', errors: ["test.conf: no service declared: add at least one 'service NAME;'"] },
  {
    name: 'every semantic error of the file in one run',
    text: 'servce a;\nservice DB;\nttl 5x;\nservice DB;\nsyslog maybe;\n',
    errors: [
      "test.conf:1:1: unknown statement 'servce' (did you mean 'service'?)",
      "test.conf:3:5: bad duration '5x' (use 30s, 5m, 2h)",
      "test.conf:4:9: service 'DB' already defined at test.conf:2",
      "test.conf:5:8: bad boolean 'maybe' (use yes or no; true, false, on and off also work)",
    ],
  },
  // Syntax: the first error stops the file.
  { name: 'an unterminated comment, at its start', text: 'service DB;\n    /* the rest\nservice x;\n', errors: ["test.conf:2:5: unterminated comment: '/*' has no '*/' after it"] },
  { name: 'an unterminated string', text: 'service DB { description "abc; }\n', errors: ['test.conf:1:26: unterminated string: close it with \'"\' on the same line (write a line break as \\n)'] },
  { name: 'an unknown escape, at the backslash', text: 'service DB { description "a\\qb"; }\n', errors: ["test.conf:1:28: unknown escape '\\q' in a string (use \\\" \\\\ \\n or \\t)"] },
  { name: 'single quotes', text: "service 'DB';\n", errors: ['test.conf:1:9: unexpected "\'": quote arguments with double quotes'] },
  { name: 'a control character', text: 'service DB;\u0007\n', errors: ['test.conf:1:12: unexpected character U+0007: remove it, or put it inside double quotes'] },
  { name: 'a stray semicolon', text: 'service DB;;\n', errors: ["test.conf:1:12: unexpected ';' with no statement before it: remove it"] },
  { name: 'a second semicolon after a block', text: 'service DB {};;\n', errors: ["test.conf:1:15: unexpected ';' with no statement before it: remove it"] },
  { name: 'a block without a statement name', text: 'service DB;\n{ ttl 5s; }\n', errors: ["test.conf:2:1: unexpected '{': a block follows a statement name, as in 'service NAME { ... }'"] },
  { name: 'a closing brace with no block open', text: 'service DB;\n}\n', errors: ["test.conf:2:1: unexpected '}' with no block open: remove it"] },
  { name: 'a block left open', text: 'service DB {\n  ttl 5s;\n', errors: ["test.conf:3:1: expected '}' to close the block of 'service DB' opened at test.conf:1"] },
  { name: 'a string where a statement name belongs', text: '"service" DB;\n', errors: ['test.conf:1:1: expected a statement name, found a quoted string (a statement begins with its name, unquoted)'] },
  { name: 'a number where a statement name belongs', text: 'service DB;\n30;\n', errors: ['test.conf:2:1: expected a statement name, found a number (a statement begins with its name)'] },
];

describe('configuration: valid files and their typed Config', () => {
  for (const c of valid) {
    test(c.name, async () => {
      const result = await check(c.text);
      assert.deepEqual(result.errors, []);
      assert.deepEqual(result.config, c.config);
    });
  }
});

describe('configuration: where each value was given, for messages about it', () => {
  test('each listen and snmp-listen statement keeps its file and line, includes too; an absent one is the default', async () => {
    const result = await check({ 'test.conf': 'service DB;\nlisten 127.0.0.1:1;\ninclude more.conf;\nsnmp-listen 127.0.0.1:2;\n', 'more.conf': '\n\nlisten [::1]:3;\n' });
    assert.deepEqual(result.errors, []);
    const config = { statementsAt: result.statementsAt! };
    assert.equal(declaredAt(config, 'listen', 0), 'listen at test.conf:2');
    assert.equal(declaredAt(config, 'listen', 1), 'listen at more.conf:3');
    assert.equal(declaredAt(config, 'snmp-listen'), 'snmp-listen at test.conf:4');
    assert.equal(declaredAt(config, 'agentx-socket'), 'the default agentx-socket');
  });
});

describe('configuration: invalid files and their exact FILE:LINE:COL messages', () => {
  for (const c of invalid) {
    test(c.name, async () => {
      const result = await check(c.text);
      assert.equal(result.config, null);
      assert.deepEqual(result.errors, c.errors);
    });
  }

  test('errors carry codes that tools can match', async () => {
    const result = await check('servce a;\nservice DB;\nttl 5x;\nservice DB;\ninclude;\n');
    assert.deepEqual(result.codes, ['CONFIG_UNKNOWN_STATEMENT', 'CONFIG_BAD_DURATION', 'CONFIG_DUPLICATE', 'CONFIG_ARGUMENT_COUNT']);
  });

  test('a file that cannot be read', async () => {
    const result = await check({ 'other.conf': 'service DB;\n' });
    assert.deepEqual(result.errors, ['test.conf: cannot read the configuration: no such file']);
    assert.deepEqual(result.codes, ['CONFIG_READ_FAILED']);
  });
});

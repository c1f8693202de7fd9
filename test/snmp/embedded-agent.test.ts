import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { freePort } from '../harness/free-port.js';
import { startProcess, type ManagedProcess } from '../harness/managed-process.js';
import { runWithMib } from '../harness/mib-tools.js';
import { requireTool } from '../harness/require-tool.js';
import { runCli } from '../harness/run-cli.js';
import { startStevedore, type RunningStevedore } from '../harness/stevedore.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

const TIMEOUT = { timeout: 120_000 };
/** Debian's Python, where python3-pysnmp4 installs pysnmp (a python3 earlier on PATH may lack it). */
const PYTHON = '/usr/bin/python3';
const ENGINE_ID = '80001f880501020304050607ff';
/** tallymanInstanceEntry and tallymanServiceEntry, numerically. */
const INSTANCE = '.1.3.6.1.4.1.8072.9999.8990.1.11.1';
const SERVICE = '.1.3.6.1.4.1.8072.9999.8990.1.10.1';
const NOTIFY = '.1.3.6.1.4.1.8072.9999.8990.1.20';

interface Probe {
  error: string | null;
  status: string | null;
  index: number;
  varbinds: [string, string, string][];
  octets?: number;
}

const USERS = [
  { name: 'sha-aes', auth: 'sha', priv: 'aes' },
  { name: 'sha256-aes256', auth: 'sha256', priv: 'aes256' },
  { name: 'sha512-aes256', auth: 'sha512', priv: 'aes256' },
  { name: 'sha-aes256', auth: 'sha', priv: 'aes256' },
  { name: 'sha512-aes', auth: 'sha512', priv: 'aes' },
] as const;

describe('the embedded agent against independent clients and receivers', TIMEOUT, () => {
  let dir: TempDir;
  let stevedore: RunningStevedore;
  let trapd: ManagedProcess;
  let trapLog: string;
  let agent: string;

  /** One request through pysnmp (test/snmp/pysnmp-probe.py). */
  const pysnmp = async (request: Record<string, unknown>): Promise<Probe> => {
    const script = `${process.cwd()}/test/snmp/pysnmp-probe.py`;
    const r = await runCli(PYTHON, [script, JSON.stringify({ target: agent, community: 'public', ...request })]);
    assert.equal(r.code, 0, `pysnmp: ${r.stderr.toString()}`);
    return JSON.parse(r.stdout.toString()) as Probe;
  };
  const net = (tool: string, args: readonly string[]) => runWithMib(tool, ['-t', '1', '-r', '1', ...args], dir.file('tools-persist'));
  const v3 = ['-v3', '-l', 'authPriv', '-u', 'ops', '-a', 'SHA-256', '-A', 'authpass1', '-x', 'AES', '-X', 'privpass1'];
  const counters = async () => ((await stevedore.get('/v1/health')).body as { snmp: { counters: Record<string, number> } }).snmp.counters;

  before(async () => {
    const python = await runCli(PYTHON, ['-c', 'import pysnmp']).catch(() => null);
    assert.equal(python?.code, 0, `pysnmp is not installed for ${PYTHON}: run 'npm run setup' as root (Debian package python3-pysnmp4)`);
    dir = tempDir('embedded-agent');
    const trapPort = await freePort();
    trapLog = dir.file('traps.log');
    writeFileSync(
      dir.file('snmptrapd.conf'),
      [`createUser -e 0x${ENGINE_ID} ops SHA-256 authpass1 AES privpass1`, 'authUser log ops priv', 'authCommunity log traps', ''].join('\n'),
    );
    mkdirSync(dir.file('trapd-persist'));
    trapd = await startProcess({
      name: 'snmptrapd',
      command: requireTool('snmptrapd', 'snmptrapd'),
      args: ['-f', '-C', '-c', dir.file('snmptrapd.conf'), '-Lf', trapLog, '-On', '-F', 'TRAP %P|%v\n', '-p', dir.file('snmptrapd.pid'), `udp:127.0.0.1:${trapPort}`],
      dir: dir.path,
      env: { PATH: process.env.PATH, SNMP_PERSISTENT_DIR: dir.file('trapd-persist'), MIBS: '' },
      ready: () => readFileSync(trapLog, 'utf8').includes('NET-SNMP version'),
    });
    // An engine id kept from an earlier run: the agent must keep it, and count one more boot.
    writeFileSync(dir.file('state.json.engine'), `engine-id ${ENGINE_ID}\nboots 41\n`);
    const port = await freePort();
    agent = `127.0.0.1:${port}`;
    const users = USERS.map((u) => `snmp-user ${u.name} { auth ${u.auth} "${u.name} auth"; priv ${u.priv} "${u.name} priv"; }`).join('\n');
    stevedore = await startStevedore(
      dir,
      `service DB; service web; snmp-listen ${agent}; snmp-community public; state-file ${dir.file('state.json')};
       snmp-user ops { auth sha256 authpass1; priv aes privpass1; }
       ${users}
       snmp-trap-sink 127.0.0.1:${trapPort} traps;
       snmp-trap-sink 127.0.0.1:${trapPort} user ops;`,
    );
    await waitFor('the embedded agent bound', async () => ((await stevedore.get('/v1/health')).body as { snmp: { counters?: unknown } }).snmp.counters !== undefined);
    await stevedore.post({ service: 'DB', hostname: 'c1', exitCode: 0, stdout: 'x'.repeat(4000) });
    for (let i = 2; i <= 20; i++) await stevedore.post({ service: 'DB', hostname: `c${i}`, exitCode: 0, stdout: 'y'.repeat(4000) });
  });

  after(async () => {
    await stevedore?.process.stop();
    await trapd?.stop();
    dir?.remove();
  });

  test('the engine id is the one kept, and its boots count went up by one', async () => {
    const r = await net('snmpget', [...v3, '-On', '-Ox', agent, '.1.3.6.1.6.3.10.2.1.1.0', '.1.3.6.1.6.3.10.2.1.2.0']);
    assert.equal(r.code, 0, r.stderr.toString());
    const [id, boots] = r.stdout.toString().trim().split('\n');
    assert.equal(id!.replace(/^.*Hex-STRING: /, '').replace(/\s/g, '').toLowerCase(), ENGINE_ID);
    assert.match(boots!, /INTEGER: 42$/);
    assert.equal(readFileSync(dir.file('state.json.engine'), 'utf8'), `engine-id ${ENGINE_ID}\nboots 42\n`);
  });

  test('pysnmp, SNMPv1: noSuchName at the index of the first missing object, no Counter64, no endOfMibView', async () => {
    const get = await pysnmp({ version: 'v1', op: 'get', oids: ['1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.1.5.1', '1.3.6.1.2.1.1.99.0'] });
    assert.deepEqual([get.status, get.index], ['noSuchName', 2]);
    assert.deepEqual(get.varbinds.map((v) => v[1]), ['Null', 'Null', 'Null']);
    const last = await pysnmp({ version: 'v1', op: 'next', oids: ['1.3.6.1.2.1.1.5.0', '1.3.6.1.6.3.15.1.1.6.0'] });
    assert.deepEqual([last.status, last.index], ['noSuchName', 2]);
    const next = await pysnmp({ version: 'v1', op: 'next', oids: ['1.3.6.1.2.1.1.5.0'] });
    assert.deepEqual([next.status, next.varbinds[0]?.[0]], ['noError', '1.3.6.1.2.1.1.6.0']);
    const empty = await pysnmp({ version: 'v1', op: 'get', oids: [] });
    assert.deepEqual([empty.status, empty.varbinds], ['noError', []]);
  });

  test('pysnmp, GETBULK: non-repeaters, max-repetitions 0, and a response over the message size truncated', async () => {
    const mixed = await pysnmp({ version: 'v2c', op: 'bulk', nonRepeaters: 1, maxRepetitions: 3, oids: ['1.3.6.1.2.1.1.1', '1.3.6.1.2.1.1.4', '1.3.6.1.6.3.15.1.1.4'] });
    assert.deepEqual(
      mixed.varbinds.map((v) => v[0]),
      ['1.3.6.1.2.1.1.1.0', '1.3.6.1.2.1.1.4.0', '1.3.6.1.6.3.15.1.1.4.0', '1.3.6.1.2.1.1.5.0', '1.3.6.1.6.3.15.1.1.5.0', '1.3.6.1.2.1.1.6.0', '1.3.6.1.6.3.15.1.1.6.0'],
    );
    assert.equal(mixed.varbinds[6]?.[1], 'Counter32');
    const zero = await pysnmp({ version: 'v2c', op: 'bulk', nonRepeaters: 1, maxRepetitions: 0, oids: ['1.3.6.1.2.1.1.1', '1.3.6.1.2.1.1.4'] });
    assert.deepEqual(zero.varbinds.map((v) => v[0]), ['1.3.6.1.2.1.1.1.0']);
    const ends = await pysnmp({ version: 'v2c', op: 'bulk', nonRepeaters: 0, maxRepetitions: 5, oids: ['1.3.6.1.6.3.15.1.1.5'] });
    assert.deepEqual(ends.varbinds.map((v) => v[1]), ['Counter32', 'Counter32', 'EndOfMibView']);
    // 20 rows of 4000 octets of output: more than one datagram holds. RFC 3416 section 4.2.3:
    // the varbinds at the end are dropped, the response stays under the limit.
    const big = await pysnmp({ version: 'v2c', op: 'bulk', nonRepeaters: 0, maxRepetitions: 20, oids: [`${INSTANCE.slice(1)}.4`] });
    assert.equal(big.status, 'noError');
    assert.ok(big.varbinds.length >= 10 && big.varbinds.length < 20, `${big.varbinds.length} varbinds`);
    assert.ok(big.octets! <= 65507 && big.octets! > 60000, `${big.octets} octets`);
    // A Get of the same cannot be cut: tooBig, no varbinds (RFC 3416 section 4.2.1).
    const oids = Array.from({ length: 20 }, (_, i) => `${INSTANCE.slice(1)}.4.2.68.66.${String(i + 1).length + 1}.99.${[...String(i + 1)].map((c) => c.charCodeAt(0)).join('.')}`);
    const get = await pysnmp({ version: 'v2c', op: 'get', oids });
    assert.deepEqual([get.status, get.index, get.varbinds.length], ['tooBig', 0, 0]);
  });

  for (const user of USERS) {
    test(`pysnmp, SNMPv3 authPriv with ${user.auth} and ${user.priv}`, async () => {
      const r = await pysnmp({ version: 'v3', op: 'get', oids: ['1.3.6.1.2.1.1.3.0', `${INSTANCE.slice(1)}.2.2.68.66.2.99.49`], user: { name: user.name, auth: user.auth, authKey: `${user.name} auth`, priv: user.priv, privKey: `${user.name} priv` } });
      assert.equal(r.error, null);
      assert.deepEqual(r.varbinds.map((v) => v[1]), ['TimeTicks', 'Integer']);
      assert.equal(r.varbinds[1]?.[2], '1');
    });
  }

  test('pysnmp, SNMPv3 with a wrong password: an authentication failure, no data', async () => {
    const before = await counters();
    const r = await pysnmp({ version: 'v3', op: 'get', oids: ['1.3.6.1.2.1.1.5.0'], user: { name: 'sha-aes', auth: 'sha', authKey: 'not the password', priv: 'aes', privKey: 'sha-aes priv' } });
    assert.match(r.error ?? '', /digest/i);
    assert.deepEqual(r.varbinds, []);
    const after = await counters();
    assert.equal(after.authenticationFailures, before.authenticationFailures! + 1);
    const wrongDigests = await net('snmpget', [...v3, '-Oqv', agent, '.1.3.6.1.6.3.15.1.1.5.0']);
    assert.ok(Number(wrongDigests.stdout.toString()) >= 1);
  });

  test('pysnmp, SNMPv3 with a wrong privacy password: a decryption error, no data', async () => {
    const r = await pysnmp({ version: 'v3', op: 'get', oids: ['1.3.6.1.2.1.1.5.0'], user: { name: 'sha-aes', auth: 'sha', authKey: 'sha-aes auth', priv: 'aes', privKey: 'not the priv password' } });
    assert.notEqual(r.error, null);
    assert.deepEqual(r.varbinds, []);
    const errors = await net('snmpget', [...v3, '-Oqv', agent, '.1.3.6.1.6.3.15.1.1.6.0']);
    assert.ok(Number(errors.stdout.toString()) >= 1, errors.stdout.toString());
  });

  test('SNMPv3 outside the time window: a notInTimeWindow report, then the client resynchronizes', async () => {
    const stat = async () => Number((await net('snmpget', [...v3, '-Oqv', agent, '.1.3.6.1.6.3.15.1.1.2.0'])).stdout.toString());
    const before = await stat();
    // Engine id given (no discovery), boots and time far off: the report carries the right ones.
    const r = await net('snmpget', [...v3, '-e', ENGINE_ID, '-Z', '42,100000', '-Oqv', agent, '.1.3.6.1.2.1.1.7.0']);
    assert.equal(r.stdout.toString().trim(), '72', r.stderr.toString());
    assert.equal(await stat(), before + 1);
  });

  test('a user below its security level gets no data', async () => {
    const r = await net('snmpget', ['-v3', '-l', 'authNoPriv', '-u', 'ops', '-a', 'SHA-256', '-A', 'authpass1', agent, 'SNMPv2-MIB::sysName.0']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr.toString(), /authorizationError/);
  });

  test('snmptrapd receives the same notification over SNMPv2c and SNMPv3', async () => {
    assert.equal(await stevedore.post({ service: 'web', hostname: 'w1', exitCode: 7 }), 204);
    const w1 = '3.119.101.98.2.119.49';
    const records = await waitFor('the notifications for w1 over v2c and v3', () => {
      const log = readFileSync(trapLog, 'utf8').split('\n').filter((l) => l.startsWith('TRAP ') && l.includes(`${INSTANCE}.2.${w1} `));
      const v2c = log.find((l) => /community traps/.test(l));
      const v3rec = log.find((l) => /user ops/i.test(l));
      return v2c && v3rec ? { v2c, v3: v3rec } : false;
    });
    for (const record of [records.v2c, records.v3]) {
      const varbinds = record.split('|')[1]!.split('\t');
      assert.match(varbinds[0]!, /^\.1\.3\.6\.1\.2\.1\.1\.3\.0 = Timeticks: /);
      assert.equal(varbinds[1], '.1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.4.1.8072.9999.8990.0.2');
      // State, exit code, then the names as values, the previous state (none: a new row) and the first output line.
      assert.deepEqual(varbinds.slice(2), [
        `${INSTANCE}.2.${w1} = INTEGER: 3`,
        `${INSTANCE}.3.${w1} = INTEGER: 7`,
        `${NOTIFY}.1.0 = STRING: "web"`,
        `${NOTIFY}.2.0 = STRING: "w1"`,
        `${NOTIFY}.4.0 = INTEGER: 0`,
        `${INSTANCE}.18.${w1} = ""`,
      ]);
    }
    const service = readFileSync(trapLog, 'utf8').split('\n').filter((l) => l.includes(`${SERVICE}.2.3.119.101.98 = INTEGER: 3`));
    assert.equal(service.length, 2, 'tallymanServiceStateChange over both');
  });

  test('hostile datagrams are dropped without harm, and the agent keeps answering', async () => {
    const before = await counters();
    const socket = createSocket('udp4');
    const garbage = [
      Buffer.from('30', 'hex'),
      Buffer.from('3084ffffffff020100', 'hex'),
      Buffer.from('3010020107040670756c6963a003020101', 'hex'),
      Buffer.from('300b020102040670756c696300', 'hex'),
      Buffer.from('30820010020103', 'hex'),
      Buffer.from('301a020103300d02010102020400040104020103040030', 'hex'),
      Buffer.alloc(65000, 0x30),
      Buffer.from(Array.from({ length: 65000 }, (_, i) => (i * 7919) % 256)),
      Buffer.concat([Buffer.from('3083ffffff', 'hex'), Buffer.alloc(100, 0xa0)]),
    ];
    const [host, port] = agent.split(':') as [string, string];
    for (const bytes of garbage) await new Promise<void>((resolve, reject) => socket.send(bytes, Number(port), host, (e) => (e ? reject(e) : resolve())));
    socket.close();
    const r = await net('snmpget', ['-v2c', '-c', 'public', '-Oqv', agent, 'SNMPv2-MIB::sysServices.0']);
    assert.equal(r.stdout.toString().trim(), '72');
    const after = await counters();
    assert.equal(after.malformed! - before.malformed!, garbage.length);
  });

  describe('Report-PDUs carry the request\'s msgID and, where it can be read, its request-id', () => {
    // SNMPv3 messages written by hand (BER, short lengths), independently of the agent's codec.
    const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
      const body = Buffer.concat(parts);
      assert.ok(body.length < 128);
      return Buffer.concat([Buffer.of(tag, body.length), body]);
    };
    /** A non-negative INTEGER in its fewest octets (X.690 section 8.3.2). */
    const int = (n: number): Buffer => {
      const hex = n.toString(16).padStart(2 * Math.ceil(n.toString(16).length / 2), '0');
      return tlv(0x02, Buffer.from(Number.parseInt(hex[0]!, 16) >= 8 ? `00${hex}` : hex, 'hex'));
    };
    const octets = (b: Buffer | string): Buffer => tlv(0x04, typeof b === 'string' ? Buffer.from(b) : b);
    /** msgFlags: reportable (4), plus auth (1) and priv (2) when asked. */
    const message = (o: { msgId: number; flags: number; engineId: string; user: string; scoped: Buffer }): Buffer => {
      const secret = o.flags & 2;
      const usm = tlv(0x30, octets(Buffer.from(o.engineId, 'hex')), int(0), int(0), octets(o.user), octets(Buffer.alloc(o.flags & 1 ? 12 : 0)), octets(Buffer.alloc(secret ? 8 : 0)));
      return tlv(0x30, int(3), tlv(0x30, int(o.msgId), int(65507), octets(Buffer.of(o.flags)), int(3)), octets(usm), o.scoped);
    };
    const scoped = (pduTag: number, requestId: number): Buffer =>
      tlv(0x30, octets(''), octets(''), tlv(pduTag, int(requestId), int(0), int(0), tlv(0x30, tlv(0x30, tlv(0x06, Buffer.from('2b06010201010500', 'hex')), Buffer.of(0x05, 0x00)))));

    /** The children of a constructed TLV (definite lengths, as any agent writes them). */
    const children = (b: Buffer): { tag: number; value: Buffer }[] => {
      const out: { tag: number; value: Buffer }[] = [];
      for (let at = 0; at < b.length; ) {
        const tag = b[at]!;
        let length = b[at + 1]!;
        let start = at + 2;
        if (length & 0x80) {
          const n = length & 0x7f;
          length = b.readUIntBE(start, n);
          start += n;
        }
        out.push({ tag, value: b.subarray(start, start + length) });
        at = start + length;
      }
      return out;
    };
    const integer = (b: Buffer): number => b.readIntBE(0, b.length);
    /** msgID, the PDU's tag and request-id, and the first varbind's name (hex) of a plaintext answer. */
    const decode = (answer: Buffer) => {
      const [, global, , scopedPdu] = children(children(answer)[0]!.value);
      const pdu = children(scopedPdu!.value)[2]!;
      const [requestId, , , varbinds] = children(pdu.value);
      const name = children(children(varbinds!.value)[0]!.value)[0]!.value.toString('hex');
      return { msgId: integer(children(global!.value)[0]!.value), pdu: pdu.tag, requestId: integer(requestId!.value), name };
    };
    /** Sends each message in turn on one socket; resolves with the first answer. */
    const exchange = (...messages: Buffer[]): Promise<Buffer> => {
      const socket = createSocket('udp4');
      const [host, port] = agent.split(':') as [string, string];
      return new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer from the embedded agent')), 5000);
        socket.once('message', (answer) => {
          clearTimeout(timer);
          resolve(answer);
        });
        for (const m of messages) socket.send(m, Number(port), host);
      }).finally(() => socket.close());
    };
    const GET = 0xa0;
    const REPORT = 0xa8;
    /** usmStats (1.3.6.1.6.3.15.1.1) .N.0 as BER contents. */
    const usmStat = (n: number): string => `2b060106030f0101${n.toString(16).padStart(2, '0')}00`;

    test('engine discovery (unknownEngineID) echoes the request-id and msgID', async () => {
      const answer = await exchange(message({ msgId: 0x12345678, flags: 4, engineId: '', user: '', scoped: scoped(GET, 0x5eadbeef) }));
      assert.deepEqual(decode(answer), { msgId: 0x12345678, pdu: REPORT, requestId: 0x5eadbeef, name: usmStat(4) });
    });

    test('an unknown user at the right engine (unknownUserName) echoes them too', async () => {
      const answer = await exchange(message({ msgId: 7, flags: 4, engineId: ENGINE_ID, user: 'nobody', scoped: scoped(GET, 4242) }));
      assert.deepEqual(decode(answer), { msgId: 7, pdu: REPORT, requestId: 4242, name: usmStat(3) });
    });

    test('an encrypted ScopedPDU that is never decrypted: request-id 0, msgID echoed', async () => {
      const answer = await exchange(message({ msgId: 99, flags: 7, engineId: '', user: 'ops', scoped: octets(Buffer.alloc(40, 0x5a)) }));
      // The report itself is plaintext: it goes at noAuthNoPriv.
      assert.deepEqual(decode(answer), { msgId: 99, pdu: REPORT, requestId: 0, name: usmStat(4) });
    });

    test('no report to a PDU that asks for no answer (a Report sent with the reportable flag): the next request is answered first', async () => {
      const answer = await exchange(
        message({ msgId: 1, flags: 4, engineId: '', user: '', scoped: scoped(REPORT, 111) }),
        message({ msgId: 2, flags: 4, engineId: '', user: '', scoped: scoped(GET, 222) }),
      );
      assert.deepEqual(decode(answer), { msgId: 2, pdu: REPORT, requestId: 222, name: usmStat(4) });
    });
  });

  test('no secret in the log or the health answer', async () => {
    const text = stevedore.process.log() + JSON.stringify((await stevedore.get('/v1/health')).body);
    for (const secret of ['authpass1', 'privpass1', ...USERS.map((u) => `${u.name} auth`)]) assert.ok(!text.includes(secret), secret);
  });
});

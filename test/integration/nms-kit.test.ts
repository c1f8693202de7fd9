import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ROOT } from '../harness/built.js';
import { freePort } from '../harness/free-port.js';
import { startProcess, type ManagedProcess } from '../harness/managed-process.js';
import { MIB_DIRS } from '../harness/mib-tools.js';
import { requireTool } from '../harness/require-tool.js';
import { runCli } from '../harness/run-cli.js';
import { startStevedore, type RunningStevedore } from '../harness/stevedore.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

/**
 * The NMS integration kit (docs/nms/ and the README's snmpd.conf), each piece run with the real
 * tool against one stevedore under one snmpd, the snmpd started from the README's own text.
 */

const TIMEOUT = { timeout: 180_000 };
const PLUGINS = '/usr/lib/nagios/plugins';

/** The first ``` block after a heading of a Markdown file. */
function codeBlockAfter(markdown: string, heading: string): string {
  const at = markdown.indexOf(heading);
  assert.ok(at >= 0, `no heading '${heading}'`);
  const block = /```[a-z]*\n([\s\S]*?)```/.exec(markdown.slice(at));
  assert.ok(block, `no code block after '${heading}'`);
  return block[1]!;
}

/** Replaces each text that must be there; a doc that no longer has it fails the test. */
function substitute(text: string, replacements: readonly [string, string][]): string {
  for (const [from, to] of replacements) {
    assert.ok(text.includes(from), `the text no longer has '${from}'`);
    text = text.split(from).join(to);
  }
  return text;
}

/** docs/nms/nagios.md's command definitions: command_name -> command_line. */
function nagiosCommands(): Map<string, string> {
  const doc = readFileSync(`${ROOT}docs/nms/nagios.md`, 'utf8');
  const commands = new Map<string, string>();
  for (const m of doc.matchAll(/command_name\s+(\S+)\s*\n\s*command_line\s+(.+)\n/g)) commands.set(m[1]!, m[2]!);
  return commands;
}

function requirePlugin(name: string): string {
  const path = `${PLUGINS}/${name}`;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`'${path}' is not installed: run 'npm run setup' as root (Debian package monitoring-plugins-standard)`);
  }
  return path;
}

describe('the NMS kit, against stevedore under an snmpd configured as the README says', TIMEOUT, () => {
  let dir: TempDir;
  let snmpdAgent: string;
  let snmpd: ManagedProcess;
  let trapd: ManagedProcess;
  let stevedore: RunningStevedore;
  const clientEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', SNMP_PERSISTENT_DIR: dir.file('client-persist') });

  before(async () => {
    dir = tempDir('nms-kit');
    for (const d of ['snmpd-persist', 'trapd-persist', 'client-persist']) mkdirSync(dir.file(d));
    const trapPort = await freePort();
    const agentPort = await freePort();
    snmpdAgent = `127.0.0.1:${agentPort}`;
    const socket = dir.file('agentx.sock');

    // snmptrapd hands every notification to snmptt, with docs/nms/snmptt.conf and the settings
    // its header asks for; the MIB loaded as the README's "Load the MIB" says.
    const snmpttLog = dir.file('snmptt.log');
    writeFileSync(
      dir.file('snmptt.ini'),
      [
        '[General]',
        'mode = standalone',
        'multiple_event = 1',
        'dns_enable = 0',
        'net_snmp_perl_enable = 1',
        'translate_integers = 1',
        'ipv6_enable = 0',
        '[Logging]',
        'stdout_enable = 0',
        'log_enable = 1',
        `log_file = ${snmpttLog}`,
        'log_system_enable = 0',
        'unknown_trap_log_enable = 0',
        'syslog_enable = 0',
        'syslog_system_enable = 0',
        '[TrapFiles]',
        'snmptt_conf_files = <<END',
        `${ROOT}docs/nms/snmptt.conf`,
        'END',
        '',
      ].join('\n'),
    );
    writeFileSync(dir.file('snmptrapd.conf'), `disableAuthorization yes\ntraphandle default ${requireTool('snmptt', 'snmptt')} --ini=${dir.file('snmptt.ini')}\n`);
    const trapLog = dir.file('traps.log');
    trapd = await startProcess({
      name: 'snmptrapd',
      command: requireTool('snmptrapd', 'snmptrapd'),
      args: ['-f', '-C', '-c', dir.file('snmptrapd.conf'), '-Lf', trapLog, '-On', '-p', dir.file('snmptrapd.pid'), `udp:127.0.0.1:${trapPort}`],
      dir: dir.path,
      env: { PATH: process.env.PATH, SNMP_PERSISTENT_DIR: dir.file('trapd-persist'), MIBDIRS: MIB_DIRS, MIBS: 'TALLYMAN-MIB:SNMPv2-MIB' },
      ready: () => existsSync(trapLog) && readFileSync(trapLog, 'utf8').includes('NET-SNMP version'),
    });

    // The README's snmpd.conf, only addresses and paths replaced.
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    const conf = substitute(codeBlockAfter(readme, '### Through snmpd (AgentX)'), [
      ['/var/agentx/master', socket],
      ['192.0.2.0/24', '127.0.0.1'],
      ['nms.example.net', `127.0.0.1:${trapPort}`],
    ]);
    writeFileSync(dir.file('snmpd.conf'), conf);
    snmpd = await startProcess({
      name: 'snmpd',
      command: requireTool('snmpd', 'snmpd'),
      args: ['-f', '-Lf', dir.file('snmpd-own.log'), '-C', '-c', dir.file('snmpd.conf'), '-p', dir.file('snmpd.pid'), '-I', '-smux', `udp:${snmpdAgent}`],
      dir: dir.path,
      env: { PATH: process.env.PATH, SNMP_PERSISTENT_DIR: dir.file('snmpd-persist'), MIBS: '' },
      ready: () => existsSync(socket),
    });

    stevedore = await startStevedore(dir, `service DB; service web; agentx-socket ${socket}; agentx-ping-interval 1s;`);
    await waitFor('the AgentX registration', async () => {
      const h = (await stevedore.get('/v1/health')).body as { agentx: { registrations: { state: string }[] } };
      return h.agentx.registrations[0]?.state === 'registered';
    });
    assert.equal(await stevedore.post({ service: 'DB', hostname: 'c1', exitCode: 0 }), 204);
    assert.equal(await stevedore.post({ service: 'web', hostname: 'w1', exitCode: 0 }), 204);
  });

  after(async () => {
    await stevedore?.process.stop();
    await snmpd?.stop();
    await trapd?.stop();
    dir?.remove();
  });

  /** Runs one of nagios.md's command lines, as Nagios would (through sh), with its macros filled in. */
  async function nagios(command: string, ...args: string[]): Promise<{ code: number | null; output: string }> {
    const line = nagiosCommands().get(command);
    assert.ok(line, `nagios.md defines no command ${command}`);
    const filled = substitute(line, [
      ['$USER1$', PLUGINS],
      ['$HOSTADDRESS$', `127.0.0.1 -p ${snmpdAgent.split(':')[1]}`],
      ['/usr/share/snmp/mibs', MIB_DIRS],
      ...args.map((a, i): [string, string] => [`$ARG${i + 1}$`, a]),
    ]);
    requirePlugin('check_snmp');
    const r = await runCli('/bin/sh', ['-c', filled], { env: clientEnv() });
    return { code: r.code, output: r.stdout.toString() + r.stderr.toString() };
  }

  test("snmpd runs with the README's snmpd.conf and sends its notifications to trap2sink", async () => {
    assert.equal(await stevedore.post({ service: 'web', hostname: 'w2', exitCode: 2, stdout: '\nconnexion refused\nretrying\n' }), 204);
    const log = await waitFor(
      'tallymanInstanceStateChange at snmptrapd',
      () => {
        const text = readFileSync(dir.file('traps.log'), 'utf8');
        return text.includes('.1.3.6.1.4.1.8072.9999.8990.0.2') && text.includes('STRING: w2') ? text : false;
      },
      15_000,
    );
    assert.match(log, /tallymanNotifyServiceName\.0 = STRING: web|\.1\.3\.6\.1\.4\.1\.8072\.9999\.8990\.1\.20\.1\.0 = STRING: web/);
  });

  test('nagios.md: check_snmp says OK, WARNING and CRITICAL for the states meant for them', async () => {
    // Now: DB ok (c1), web degraded (w1 ok, w2 failing).
    const summary = await nagios('check_tallyman_summary');
    assert.equal(summary.code, 1, summary.output);
    assert.match(summary.output, /^SNMP WARNING - .*2/);
    const db = await nagios('check_tallyman_service', 'DB');
    assert.equal(db.code, 0, db.output);
    assert.match(db.output, /^SNMP OK/);
    const web = await nagios('check_tallyman_service', 'web');
    assert.equal(web.code, 1, web.output);
    assert.equal((await nagios('check_tallyman_instance', 'web', 'w1')).code, 0);
    const w2 = await nagios('check_tallyman_instance', 'web', 'w2');
    assert.equal(w2.code, 2, w2.output);
    assert.match(w2.output, /^SNMP CRITICAL - .*3/);

    // web failing: no instance ok.
    assert.equal(await stevedore.post({ service: 'web', hostname: 'w1', exitCode: 1 }), 204);
    assert.equal((await nagios('check_tallyman_service', 'web')).code, 2);
    const critical = await nagios('check_tallyman_summary');
    assert.equal(critical.code, 2, critical.output);

    // Everything ok again.
    for (const hostname of ['w1', 'w2']) assert.equal(await stevedore.post({ service: 'web', hostname, exitCode: 0 }), 204);
    const ok = await nagios('check_tallyman_summary');
    assert.equal(ok.code, 0, ok.output);
    assert.match(ok.output, /^SNMP OK - .*1/);
  });

  test('prometheus/generator.yml: generated, exported, series labelled by service and instance name', async () => {
    assert.equal(await stevedore.post({ service: 'web', hostname: 'w2', exitCode: 2, stdout: 'down' }), 204);
    const gen = tempDir('nms-kit-generator');
    let exporter: ManagedProcess | undefined;
    try {
      copyFileSync(`${ROOT}docs/nms/prometheus/generator.yml`, gen.file('generator.yml'));
      // The generator parses every file in MIBDIRS: a directory with the MIBs the README copies.
      mkdirSync(gen.file('mibs'));
      const base = `${ROOT}mib/ietf`;
      for (const file of ['SNMPv2-SMI.txt', 'SNMPv2-TC.txt', 'SNMPv2-CONF.txt', 'SNMPv2-MIB.txt']) copyFileSync(`${base}/${file}`, gen.file(`mibs/${file}`));
      copyFileSync(`${ROOT}mib/TALLYMAN-MIB.txt`, gen.file('mibs/TALLYMAN-MIB.txt'));
      const generated = await runCli(requireTool('prometheus-snmp-generator', 'prometheus-snmp-exporter'), ['--fail-on-parse-errors', 'generate'], {
        cwd: gen.path,
        env: { ...clientEnv(), MIBDIRS: gen.file('mibs') },
      });
      assert.equal(generated.code, 0, generated.stderr.toString());
      const port = await freePort();
      exporter = await startProcess({
        name: 'snmp-exporter',
        command: requireTool('prometheus-snmp-exporter', 'prometheus-snmp-exporter'),
        args: [`--config.file=${gen.file('snmp.yml')}`, `--web.listen-address=127.0.0.1:${port}`],
        dir: gen.path,
        ready: async () => (await fetch(`http://127.0.0.1:${port}/`)).ok,
      });
      const scrape = await (await fetch(`http://127.0.0.1:${port}/snmp?module=tallyman&target=${snmpdAgent}`)).text();
      const series = scrape.split('\n').filter((l) => !l.startsWith('#'));
      const w2 = (metric: string) => series.filter((l) => l.startsWith(`${metric}{`) && l.includes('tallymanServiceName="web"') && l.includes('tallymanInstanceName="w2"'));
      assert.ok(w2('tallymanInstanceState').some((l) => /tallymanInstanceState="failing".*\} 1$/.test(l)), scrape);
      assert.ok(w2('tallymanInstanceState').some((l) => /tallymanInstanceState="ok".*\} 0$/.test(l)));
      assert.deepEqual(w2('tallymanInstanceExitCode').map((l) => l.split(' ').at(-1)), ['2']);
      assert.ok(series.includes('tallymanSummaryState{tallymanSummaryState="degraded"} 1'), 'the summary as a state set');
      assert.ok(series.some((l) => l.startsWith('tallymanServiceLastReport{tallymanServiceName="web"}') && Number(l.split(' ').at(-1)) > 1.7e9));
      assert.ok(!series.some((l) => /^tallymanInstance(Stdout|Stderr|Output1Line)/.test(l)), 'no output series');
    } finally {
      await exporter?.stop();
      gen.remove();
    }
  });

  test('snmptt.conf: each notification formatted with service, instance, old and new state', async () => {
    const snmptt = (): string[] => (existsSync(dir.file('snmptt.log')) ? readFileSync(dir.file('snmptt.log'), 'utf8').split('\n') : []);
    const line = (text: string) => waitFor(`snmptt to log '${text}'`, () => snmptt().find((l) => l.includes(text)) ?? false, 20_000, 100);
    // Logged while the earlier tests ran: w2 appeared failing, web went from ok to degraded, w1
    // failed and came back; each with the severity of its new state.
    assert.match(await line('tallyman: instance w2 of service web: none -> failing (exit 2): connexion refused'), /\.1\.3\.6\.1\.4\.1\.8072\.9999\.8990\.0\.2 Critical /);
    assert.match(await line('tallyman: service web: ok -> degraded'), / Warning "Status Events" /);
    assert.match(await line('tallyman: instance w1 of service web: failing -> ok (exit 0)'), / Normal "Status Events" /);
    // A reload without web removes its instances.
    stevedore.rewrite(`service DB; agentx-socket ${dir.file('agentx.sock')}; agentx-ping-interval 1s;`);
    stevedore.process.child.kill('SIGHUP');
    await line('tallyman: instance w1 of service web removed (serviceRemoved), was ok');
  });
});

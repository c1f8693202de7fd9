import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { main, parseArguments } from '../../../src/stevedore/cli.js';
import type { StevedoreOptions } from '../../../src/stevedore/options.js';
import { ROOT } from '../../harness/built.js';
import { requireTool } from '../../harness/require-tool.js';
import { runCli } from '../../harness/run-cli.js';
import { tempDir, type TempDir } from '../../harness/temp-dir.js';

const STEVEDORE = `${ROOT}dist/src/bin/stevedore.js`;
const SYNOPSIS_START = 'usage: stevedore [-Fsd] [-f FILE] [--config-file=FILE] [--foreground] [--single] [--debug]\n';

describe('stevedore\'s options', () => {
  const options = (argv: string[]): StevedoreOptions => {
    const invocation = parseArguments(argv);
    assert.ok(invocation.kind === 'run' || invocation.kind === 'lint', invocation.kind);
    return invocation.options;
  };

  test('defaults: /etc/stevedore.conf through m4, detached, supervised', () => {
    assert.deepEqual(options([]), { configFile: '/etc/stevedore.conf', foreground: false, single: false, debug: false, preprocessor: { kind: 'm4' } });
  });

  test('bundled short options and the file', () => {
    assert.deepEqual(options(['-Fsd', '-f', 'x.conf']), { configFile: 'x.conf', foreground: true, single: true, debug: true, preprocessor: { kind: 'm4' } });
    assert.deepEqual(options(['-sfy.conf']).configFile, 'y.conf');
  });

  test('long options, = or a separate word', () => {
    assert.deepEqual(options(['--config-file=a.conf', '--foreground', '--single', '--debug', '--preprocessor', 'cpp -P']), {
      configFile: 'a.conf', foreground: true, single: true, debug: true, preprocessor: { kind: 'command', command: 'cpp -P' },
    });
    assert.deepEqual(options(['--no-preprocessor']).preprocessor, { kind: 'none' });
  });

  test('what to do: help and version first, then --config-help, --lint, else run', () => {
    assert.deepEqual(['-?', '--help', '-V', '--version', '--config-help', '--lint', '-d'].map((a) => parseArguments([a]).kind), [
      'help', 'help', 'version', 'version', 'config-help', 'lint', 'run',
    ]);
    assert.equal(parseArguments(['--lint', '--help']).kind, 'help');
  });

  test('the daemon gets the options; its status is stevedore\'s', async () => {
    let given: StevedoreOptions | null = null;
    const io = { out: () => {}, err: () => {} };
    const code = await main(['-F', '-f', 'd.conf'], io, async (o) => {
      given = o;
      return 3;
    });
    assert.equal(code, 3);
    assert.deepEqual(given, { configFile: 'd.conf', foreground: true, single: false, debug: false, preprocessor: { kind: 'm4' } });
  });
});

describe('stevedore, through the built file', () => {
  let dir: TempDir;
  const stevedore = (args: string[], env: NodeJS.ProcessEnv = process.env) => runCli(process.execPath, [STEVEDORE, ...args], { env });

  before(() => {
    requireTool('m4', 'm4');
    dir = tempDir('cli');
    writeFileSync(dir.file('good.conf'), "m4_define(`NAME', `DB')m4_dnl\nservice NAME;\n");
    writeFileSync(dir.file('bad.conf'), 'service DB;\nservce web;\nttl 5x;\nservice DB;\n');
    writeFileSync(dir.file('plain.conf'), 'service DB;\n');
  });
  after(() => dir.remove());

  test('--lint on a good file: FILE: OK, status 0', async () => {
    const r = await stevedore(['--lint', '-f', dir.file('good.conf')]);
    assert.deepEqual([r.code, r.stdout.toString(), r.stderr.toString()], [0, `${dir.file('good.conf')}: OK\n`, '']);
  });

  test('--lint checks the host: user and group exist, the state file\'s directory is there', async () => {
    writeFileSync(dir.file('host-bad.conf'), `service DB;\nuser nosuchuser-x;\ngroup nosuchgroup-x;\nstate-file ${dir.file('no-such-dir/state.json')};\n`);
    const bad = await stevedore(['--lint', '--no-preprocessor', '-f', dir.file('host-bad.conf')]);
    const file = dir.file('host-bad.conf');
    assert.deepEqual([bad.code, bad.stdout.toString(), bad.stderr.toString()], [
      1,
      '',
      `${file}: user 'nosuchuser-x' does not exist on this host (stevedore could not switch to it)\n` +
        `${file}: group 'nosuchgroup-x' does not exist on this host (stevedore could not switch to it)\n` +
        `${file}: state-file ${dir.file('no-such-dir/state.json')}: the directory ${dir.file('no-such-dir')} does not exist: create it\n`,
    ]);
    writeFileSync(dir.file('host-good.conf'), `service DB;\nuser root;\ngroup root;\nstate-file ${dir.file('state.json')};\n`);
    const good = await stevedore(['--lint', '--no-preprocessor', '-f', dir.file('host-good.conf')]);
    assert.deepEqual([good.code, good.stderr.toString()], [0, '']);
  });

  test('--lint on a bad file: every error, one per line, status 1', async () => {
    const r = await stevedore(['--lint', `--config-file=${dir.file('bad.conf')}`]);
    const file = dir.file('bad.conf');
    assert.equal(r.code, 1);
    assert.equal(r.stdout.toString(), '');
    assert.equal(
      r.stderr.toString(),
      `${file}:2:1: unknown statement 'servce' (did you mean 'service'?)\n` +
        `${file}:3:5: bad duration '5x' (use 30s, 5m, 2h)\n` +
        `${file}:4:9: service 'DB' already defined at ${file}:1\n`,
    );
  });

  test('the example and development configurations lint clean (the example bar the accounts and directory of the host it is written for)', async () => {
    const development = await stevedore(['--lint', '-f', `${ROOT}conf/development.conf`]);
    assert.deepEqual([development.code, development.stderr.toString()], [0, '']);
    const example = await stevedore(['--lint', '-f', `${ROOT}conf/stevedore.conf`]);
    const notHere = /^\S+stevedore\.conf: (user 'stevedore' does not exist|group 'stevedore' does not exist|state-file \/var\/lib\/stevedore\/\S+: the directory \/var\/lib\/stevedore does not exist)/;
    for (const line of example.stderr.toString().trimEnd().split('\n').filter((l) => l !== '')) assert.match(line, notHere);
  });

  test('without m4: says so and how to proceed; --no-preprocessor does', async () => {
    const bin = dir.file('bin-without-m4');
    mkdirSync(bin);
    const env = { PATH: bin };
    const r = await stevedore(['--lint', '-f', dir.file('plain.conf')], env);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.toString(),
      `${dir.file('plain.conf')}: m4 is not installed, and stevedore reads its configuration through m4: install it (Debian: apt-get install m4), ` +
        'or start stevedore with --no-preprocessor (include FILE; still works without m4)\n',
    );
    const plain = await stevedore(['--lint', '--no-preprocessor', '-f', dir.file('plain.conf')], env);
    assert.deepEqual([plain.code, plain.stdout.toString()], [0, `${dir.file('plain.conf')}: OK\n`]);
  });

  test('--preprocessor=COMMAND replaces m4', async () => {
    writeFileSync(dir.file('sed.conf'), 'service @NAME@;\n');
    const r = await stevedore(['--lint', '--preprocessor=sed -e s/@NAME@/DB/', '-f', dir.file('sed.conf')]);
    assert.deepEqual([r.code, r.stderr.toString()], [0, '']);
  });

  test('the daemon does not start on a configuration with errors', async () => {
    const r = await stevedore(['-Fs', '-f', dir.file('bad.conf')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr.toString(), /bad\.conf:3:5: bad duration '5x'/);
  });

  test('--config-help: every statement and its default', async () => {
    const r = await stevedore(['--config-help']);
    assert.equal(r.code, 0);
    const text = r.stdout.toString();
    assert.match(text, /^service NAME;/m);
    assert.match(text, /^listen ADDRESS\[:PORT\]; .*\[0\.0\.0\.0:8990\]$/m);
    assert.match(text, /^agentx-socket ADDRESS \| none;/m);
    assert.match(text, /^ +\[\/var\/agentx\/master\]$/m);
    assert.match(text, /^syslog-facility NAME; .*\[daemon\]$/m);
  });

  test('--help and -? show the synopsis and the default configuration file', async () => {
    for (const flag of ['--help', '-?']) {
      const r = await stevedore([flag]);
      assert.equal(r.code, 0);
      assert.ok(r.stdout.toString().startsWith(SYNOPSIS_START), flag);
      assert.match(r.stdout.toString(), /-f, --config-file=FILE +the configuration \[\/etc\/stevedore\.conf\]/);
    }
  });

  test('-V and --version', async () => {
    for (const flag of ['-V', '--version']) {
      const r = await stevedore([flag]);
      assert.deepEqual([r.code, r.stdout.toString()], [0, 'stevedore 0.1.0\n']);
    }
  });

  test('bad usage: the reason and the synopsis, status 64', async () => {
    const cases: [string[], string][] = [
      [['--bogus'], "stevedore: unknown option '--bogus'"],
      [['-f'], "stevedore: option '-f, --config-file <FILE>' argument missing"],
      [['extra.conf'], 'stevedore: stevedore takes no arguments: name the configuration file with -f FILE'],
      [['--preprocessor=cpp', '--no-preprocessor'], 'stevedore: --preprocessor=COMMAND and --no-preprocessor contradict each other: give one'],
      [['--preprocessor='], 'stevedore: --preprocessor needs a COMMAND, as --preprocessor="cpp -P"'],
      [['--config-file='], 'stevedore: --config-file needs a file name'],
    ];
    for (const [args, reason] of cases) {
      const r = await stevedore(args);
      assert.equal(r.code, 64, args.join(' '));
      assert.equal(r.stdout.toString(), '');
      assert.ok(r.stderr.toString().startsWith(`${reason}\n${SYNOPSIS_START}`), `${args.join(' ')}: ${r.stderr.toString()}`);
    }
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArguments, type TallymanOptions } from '../../src/tallyman/options.js';
import { UsageError } from '../../src/tallyman/usage-error.js';

function options(argv: string[]): TallymanOptions {
  const invocation = parseArguments(argv);
  assert.equal(invocation.kind, 'run');
  return (invocation as { options: TallymanOptions }).options;
}

function usageError(argv: string[], pattern: RegExp): void {
  assert.throws(() => parseArguments(argv), (error: unknown) => error instanceof UsageError && pattern.test(error.message));
}

describe('tallyman command line', () => {
  test('SRVID, COMMAND and ARGS with defaults', () => {
    const o = options(['DB', 'mysqladmin', 'ping']);
    assert.equal(o.service, 'DB');
    assert.equal(o.command, 'mysqladmin');
    assert.deepEqual(o.args, ['ping']);
    assert.equal(o.connectionTimeoutMs, 3000);
    assert.equal(o.executionTimeoutMs, undefined);
    assert.equal(o.value, null);
    assert.equal(o.debug, false);
    assert.equal(o.quiet, false);
  });

  test('options after COMMAND belong to COMMAND', () => {
    const o = options(['DB', 'grep', '-q', 'x', '/f', '--debug', '-s', 'y']);
    assert.deepEqual(o.args, ['-q', 'x', '/f', '--debug', '-s', 'y']);
    assert.equal(o.quiet, false);
    assert.equal(o.debug, false);
    assert.equal(o.server, undefined);
  });

  test('-h is the hostname, in every spelling', () => {
    assert.equal(options(['-h', 'web1', 'S', 'true']).hostname, 'web1');
    assert.equal(options(['-hweb1', 'S', 'true']).hostname, 'web1');
    assert.equal(options(['--hostname=web1', 'S', 'true']).hostname, 'web1');
    assert.equal(options(['--hostname', 'web1', 'S', 'true']).hostname, 'web1');
  });

  test('short flags bundle, and a valued one takes the rest of the word', () => {
    const o = options(['-dqs127.0.0.1:9', 'S', 'true']);
    assert.equal(o.debug, true);
    assert.equal(o.quiet, true);
    assert.equal(o.server, '127.0.0.1:9');
  });

  test('-- ends the options, so SRVID may follow it', () => {
    assert.equal(options(['-d', '--', 'S', 'true']).service, 'S');
  });

  test('--value takes any JSON', () => {
    assert.deepEqual(options(['-v', '{"lag":3}', 'S', 'true']).value, { lag: 3 });
    assert.equal(options(['--value=42', 'S', 'true']).value, 42);
    assert.equal(options(['--value="up"', 'S', 'true']).value, 'up');
  });

  test('timeouts are seconds, fractions allowed', () => {
    const o = options(['--connection-timeout=0.5', '--execution-timeout', '10', 'S', 'true']);
    assert.equal(o.connectionTimeoutMs, 500);
    assert.equal(o.executionTimeoutMs, 10_000);
  });

  test('token', () => {
    assert.equal(options(['--token=s3cret', 'S', 'true']).token, 's3cret');
  });

  test('help and version', () => {
    assert.deepEqual(parseArguments(['-?']), { kind: 'help' });
    assert.deepEqual(parseArguments(['--help']), { kind: 'help' });
    assert.deepEqual(parseArguments(['-V']), { kind: 'version' });
    assert.deepEqual(parseArguments(['--version']), { kind: 'version' });
  });

  describe('usage errors', () => {
    test('nothing given', () => usageError([], /missing SRVID and COMMAND/));
    test('no COMMAND', () => usageError(['DB'], /missing COMMAND to run for service 'DB'/));
    test('unknown long option', () => usageError(['--frobnicate', 'DB', 'true'], /unknown option '--frobnicate'/));
    test('unknown short option', () => usageError(['-x', 'DB', 'true'], /unknown option '-x'/));
    test('valued option at the end', () => usageError(['-s'], /option -s needs a value/));
    test('flag given a value', () => usageError(['--debug=yes', 'DB', 'true'], /--debug takes no value/));
    test('--value not JSON', () => usageError(['--value=up', 'DB', 'true'], /--value is not JSON/));
    test('service name with a bad character', () => usageError(['my/db', 'true'], /SRVID 'my\/db' is not a service name/));
    test('service name too long', () => usageError(['x'.repeat(65), 'true'], /is not a service name \(1 to 64/));
    test('zero timeout', () => usageError(['--connection-timeout=0', 'DB', 'true'], /greater than 0/));
    test('timeout not a number', () => usageError(['--execution-timeout=5s', 'DB', 'true'], /--execution-timeout=5s: give a number of seconds/));
    test('empty hostname', () => usageError(['--hostname=', 'DB', 'true'], /--hostname must not be empty/));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOptions, UsageError, type Options } from '../../src/checker/options.js';

const options = (argv: string[], env: NodeJS.ProcessEnv = {}): Options => {
  const parsed = parseOptions(argv, env);
  assert.equal(parsed.help, false);
  return (parsed as { options: Options }).options;
};
const refused = (argv: string[], pattern: RegExp, env: NodeJS.ProcessEnv = {}): void =>
  assert.throws(() => parseOptions(argv, env), (e: unknown) => e instanceof UsageError && e.code === 'USAGE' && pattern.test(e.message));

describe('checker options, Go-style', () => {
  it('has the defaults of each command', () => {
    assert.deepEqual(options(['check', 'web']), {
      command: 'check', container: 'web', etcdHosts: [{ host: '127.0.0.1', port: 2379 }], logLevel: 'INFO',
      stdout: true, syslog: false, dockerSocket: '/var/run/docker.sock', hostIp: null, prefix: '/SERVICE',
    });
    const listener = options(['listener']);
    assert.equal(listener.stdout, false);
    assert.equal(listener.syslog, true);
    assert.equal(options(['monitor', 'web']).syslog, true);
  });

  it('reads -name=value, --name=value, -name value and bare booleans', () => {
    const o = options(['-etcd-host=10.0.0.1,10.0.0.2:2380', 'monitor', '--loglevel', 'debug', '-stdout', '-syslog=false', '--docker-socket=/run/d.sock', '-host-ip', '192.0.2.7', '-prefix=/services/', 'web']);
    assert.deepEqual(o.etcdHosts, [{ host: '10.0.0.1', port: 2379 }, { host: '10.0.0.2', port: 2380 }]);
    assert.equal(o.logLevel, 'DEBUG');
    assert.equal(o.stdout, true);
    assert.equal(o.syslog, false);
    assert.equal(o.dockerSocket, '/run/d.sock');
    assert.equal(o.hostIp, '192.0.2.7');
    assert.equal(o.prefix, '/services');
    assert.equal(options(['check', '-stdout=0', 'web']).stdout, false);
  });

  it('takes the Docker socket from DOCKER_HOST=unix://PATH', () => {
    assert.equal(options(['listener'], { DOCKER_HOST: 'unix:///tmp/d.sock' }).dockerSocket, '/tmp/d.sock');
    refused(['listener'], /DOCKER_HOST=tcp:\/\/1.2.3.4:2375: checker talks to dockerd over its unix socket only/, { DOCKER_HOST: 'tcp://1.2.3.4:2375' });
  });

  it('prints help for -h and --help', () => {
    assert.deepEqual(parseOptions(['-h']), { help: true });
    assert.deepEqual(parseOptions(['check', '--help']), { help: true });
  });

  it('refuses bad usage, saying what to fix', () => {
    refused([], /no command: give check, monitor or listener/);
    refused(['watch'], /unknown command 'watch'/);
    refused(['check'], /check needs a CONTAINER/);
    refused(['monitor', 'a', 'b'], /monitor takes one CONTAINER/);
    refused(['listener', 'a'], /listener takes no container/);
    refused(['check', '-verbose', 'a'], /unknown option -verbose/);
    refused(['check', '-stdout=maybe', 'a'], /-stdout=maybe: write -stdout=true or -stdout=false/);
    refused(['check', '-loglevel=LOUD', 'a'], /give one of DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL/);
    refused(['check', '-etcd-host=a:99999', 'a'], /'a:99999' has a bad port/);
    refused(['check', '-etcd-host=a,,b', 'a'], /separated by commas/);
    refused(['check', '-etcd-host=http://root:SEKRIT@10.0.0.1:2379', 'a'], /^-etcd-host: 'http:\/\/\*\*\*@10\.0\.0\.1:2379' holds credentials/);
    refused(['check', '-etcd-host=root:SEKRIT@a,,b', 'a'], /^-etcd-host=\*\*\*@a,,b: /);
    refused(['check', '-host-ip=somewhere', 'a'], /give an IP address/);
    refused(['check', '-prefix=SERVICE', 'a'], /a path such as \/SERVICE/);
    refused(['check', 'a', '-prefix'], /-prefix needs a value/);
  });
});

// `npm start`: stevedore in the foreground on conf/development.conf, its addresses taken from
// the environment (STEVEDORE_LISTEN, STEVEDORE_HTTP_LISTEN, STEVEDORE_SNMP_LISTEN) through m4 -D, so that another
// port needs no edited file; then what to try next. Signals go to stevedore; its status is ours.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ADDRESSES = {
  STEVEDORE_LISTEN: { default: '127.0.0.1:8990', what: 'the collector (listen)' },
  STEVEDORE_HTTP_LISTEN: { default: '127.0.0.1:8991', what: 'the read listener: the page, the JSON API, /metrics (http-listen)' },
  STEVEDORE_SNMP_LISTEN: { default: '127.0.0.1:16161', what: 'the embedded SNMP agent (snmp-listen)' },
};

const chosen = {};
for (const [name, { default: fallback, what }] of Object.entries(ADDRESSES)) {
  const value = process.env[name] || fallback;
  // stevedore checks the address itself; this only keeps it one shell word.
  if (!/^[\w.:[\]-]+$/.test(value)) {
    process.stderr.write(`npm start: ${name}=${value} is not an ADDRESS:PORT for ${what}, as ${fallback}\n`);
    process.exit(64);
  }
  chosen[name] = value;
}
const defines = Object.entries(chosen).map(([name, value]) => `-D ${name}=${value}`).join(' ');
const collector = chosen.STEVEDORE_LISTEN;
const snmp = chosen.STEVEDORE_SNMP_LISTEN;
const reads = chosen.STEVEDORE_HTTP_LISTEN;

process.stdout.write(`stevedore on conf/development.conf: reports to ${collector}, the status page on http://${reads}/, SNMP on udp:${snmp}
Then, from another terminal:
  node dist/tallyman.cjs -s ${collector} demo sh -c 'echo all good'
  node dist/tallyman.cjs -s ${collector} DB sh -c 'echo down; exit 1'
  curl -s http://${reads}/v1/services
  open http://${reads}/ in a browser: the status page, live
  snmpwalk -v2c -c public ${snmp} .1.3.6.1.4.1.8072.9999.8990
Other addresses: STEVEDORE_LISTEN=127.0.0.1:9990 STEVEDORE_HTTP_LISTEN=127.0.0.1:9991 STEVEDORE_SNMP_LISTEN=127.0.0.1:16162 npm start

`);

const child = spawn(
  process.execPath,
  [`${ROOT}dist/src/bin/stevedore.js`, '-F', '-f', `${ROOT}conf/development.conf`, `--preprocessor=m4 -P -s ${defines}`],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));

// npm start, until stevedore can take its place: a listener on loopback prints what tallyman
// reports for a health check that succeeds and one that fails.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    console.log(`collector received ${req.method} ${req.url}:\n${JSON.stringify(JSON.parse(body), null, 2)}`);
    res.writeHead(204).end();
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const at = `127.0.0.1:${server.address().port}`;
for (const check of [['sh', '-c', 'echo all good'], ['sh', '-c', 'echo connection refused >&2; exit 1']]) {
  const args = ['-s', at, '-h', 'demo-host', 'demo', ...check];
  console.log(`\n$ tallyman ${args.join(' ')}`);
  const [status] = await once(spawn(process.execPath, ['dist/tallyman.cjs', ...args], { stdio: 'inherit' }), 'exit');
  console.log(`(exit status ${status})`);
}
server.close();

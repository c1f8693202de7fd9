// Shared by the SNMP benchmarks: a state file with many instances, and one client tool's walk
// timed, with the CPU seconds stevedore and snmpd spent during it.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpuSeconds } from './cpu.js';

/** A state file holding `instances` instances over `serviceCount` services svc0.., named as bench/agentx names them, so stevedore starts with them. */
export function stateFile(path: string, instances: number, serviceCount: number): void {
  const now = new Date().toISOString();
  const services = Array.from({ length: serviceCount }, (_, s) => ({
    name: `svc${s}`,
    state: 'ok',
    stateSince: now,
    instances: Array.from({ length: instances / serviceCount }, (_, i) => ({
      hostname: `c${(s * 100_000 + i).toString(16).padStart(12, '0')}`,
      address: `172.17.${s}.${i % 250}`,
      receivedAt: now,
      reports: 1,
      failures: 0,
      consecutiveFailures: 0,
      state: 'ok',
      stateSince: now,
      report: { exitCode: 0, signal: null, timedOut: false, stdout: 'mysqld is alive\n', stderr: '', truncated: false, startedAt: now, durationMs: 7, value: null, version: '0.1.0' },
    })),
  }));
  writeFileSync(path, JSON.stringify({ format: 'stevedore-state', version: 1, savedAt: now, reportsAccepted: instances, reportsRejected: 0, services }));
}

export interface Walk {
  varbinds: number;
  seconds: number;
  stevedoreCpu: number;
  snmpdCpu: number;
}

/** Runs one client tool to the end; varbinds counted from its output by `count`. */
export function measure(command: string, args: string[], env: NodeJS.ProcessEnv, pids: { stevedore: number; snmpd: number }, count: (out: string) => number): Promise<Walk> {
  return new Promise((resolve, reject) => {
    const before = { stevedore: cpuSeconds(pids.stevedore), snmpd: cpuSeconds(pids.snmpd) };
    const t0 = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0 || /Timeout|Error|Reason/.test(err)) return reject(new Error(`${command} exited ${code}: ${err}`));
      resolve({ varbinds: count(Buffer.concat(out).toString()), seconds, stevedoreCpu: cpuSeconds(pids.stevedore) - before.stevedore, snmpdCpu: cpuSeconds(pids.snmpd) - before.snmpd });
    });
  });
}


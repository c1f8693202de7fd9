import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { labelValue } from '../../../src/stevedore/http/exposition.js';
import { startCollector, type RunningCollector } from '../../harness/collector.js';
import { requireTool } from '../../harness/require-tool.js';
import { runCli } from '../../harness/run-cli.js';

/** The value of one series, by its exact labels as written. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', { timeout: 30_000 }, () => {
  let c: RunningCollector;
  let agentx = 'open';
  let text: string;
  before(async () => {
    c = await startCollector({ agentx: () => agentx as 'open' });
    assert.equal((await c.post({ service: 'DB', hostname: 'db-1', exitCode: 0 })).status, 204);
    c.time.advance(2000);
    assert.equal((await c.post({ service: 'DB', hostname: 'db-2', exitCode: 3, stdout: 'down' })).status, 204);
    assert.equal((await c.post({ service: 'DB', hostname: 'db-2', exitCode: 3 })).status, 204);
    assert.equal((await c.post({ service: 'DB', hostname: 'we"ird\\name', exitCode: 0 })).status, 400);
    assert.equal((await c.post({ service: 'nope', hostname: 'x', exitCode: 0 })).status, 404);
    assert.equal((await c.post('{"service":')).status, 400);
    const res = await fetch(`${c.readUrl}/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    text = await res.text();
  });
  after(() => c.close());

  test('service and instance states are state sets: one series per state, 1 for the current', () => {
    for (const [state, value] of [['ok', 0], ['degraded', 1], ['failing', 0], ['stale', 0], ['unknown', 0]] as const) {
      assert.equal(sample(text, `tallyman_service_state{service="DB",state="${state}"}`), value, state);
      assert.equal(sample(text, `tallyman_service_state{service="web",state="${state}"}`), state === 'unknown' ? 1 : 0, state);
    }
    for (const [instance, current] of [['db-1', 'ok'], ['db-2', 'failing']]) {
      for (const state of ['ok', 'failing', 'stale']) {
        assert.equal(sample(text, `tallyman_instance_state{service="DB",instance="${instance}",state="${state}"}`), state === current ? 1 : 0);
      }
    }
  });

  test('last report, exit code and failures in a row, per instance', () => {
    const db1 = sample(text, 'tallyman_instance_last_report_timestamp_seconds{service="DB",instance="db-1"}') as number;
    const db2 = sample(text, 'tallyman_instance_last_report_timestamp_seconds{service="DB",instance="db-2"}') as number;
    assert.equal(db2 - db1, 2);
    assert.equal(db2, c.time.wall() / 1000);
    assert.equal(sample(text, 'tallyman_instance_exit_code{service="DB",instance="db-2"}'), 3);
    assert.equal(sample(text, 'tallyman_instance_consecutive_failures{service="DB",instance="db-2"}'), 2);
    assert.equal(sample(text, 'tallyman_instance_consecutive_failures{service="DB",instance="db-1"}'), 0);
  });

  test('reports by service and result: accepted and each refusal; an undeclared service counts under ""', () => {
    assert.equal(sample(text, 'tallyman_reports_total{service="DB",result="accepted"}'), 3);
    assert.equal(sample(text, 'tallyman_reports_total{service="DB",result="INVALID_REPORT"}'), 1);
    assert.equal(sample(text, 'tallyman_reports_total{service="",result="UNKNOWN_SERVICE"}'), 1);
    assert.equal(sample(text, 'tallyman_reports_total{service="",result="MALFORMED_JSON"}'), 1);
    assert.doesNotMatch(text, /service="nope"/);
  });

  test('the AgentX session state and the process', async () => {
    assert.equal(sample(text, 'tallyman_agentx_session_state{state="open"}'), 1);
    assert.equal(sample(text, 'tallyman_agentx_session_state{state="off"}'), 0);
    agentx = 'reconnecting';
    const again = await (await fetch(`${c.readUrl}/metrics`)).text();
    assert.equal(sample(again, 'tallyman_agentx_session_state{state="reconnecting"}'), 1);
    assert.equal(sample(again, 'tallyman_agentx_session_state{state="open"}'), 0);
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_heap_size_used_bytes']) {
      assert.ok((sample(text, name) ?? 0) > 0, name);
    }
  });

  test('label values escape backslash, double quote and line feed, as the format requires', () => {
    assert.equal(labelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
    assert.equal(labelValue('plain-name.1'), 'plain-name.1');
  });

  test('promtool check metrics finds nothing to fix', async () => {
    const promtool = requireTool('promtool', 'prometheus');
    const r = await runCli(promtool, ['check', 'metrics'], { input: text });
    assert.equal(r.code, 0, r.stdout.toString() + r.stderr.toString());
    assert.equal(r.stdout.toString() + r.stderr.toString(), '');
  });
});

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CloseReason,
  MibViewBuilder,
  PduType,
  ResponseError,
  SNMP_TRAP_OID_0,
  SYS_UP_TIME_0,
  Subagent,
  ValueType,
  integer32,
  octetString,
  parseOid,
  timeTicks,
  type MibView,
  type SubagentOptions,
  type SubagentState,
} from '../../src/agentx/index.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';
import { hex } from './bytes.js';
import { FakeMaster } from './fake-master.js';
import { FakeTimers } from './fake-timers.js';
import { captureLogger } from './log-capture.js';

const TIMEOUT = { timeout: 30_000 };
const BASE = parseOid('1.3.6.1.4.1.8072.9999.9999.7');
const OTHER = parseOid('1.3.6.1.4.1.8072.9999.9999.8');
const TRAP = parseOid('1.3.6.1.4.1.8072.9999.9999.7.0.1');

function scalarView(value: () => number): MibView {
  return new MibViewBuilder().scalar([...BASE, 1], () => integer32(value())).build();
}

describe('an AgentX session with a fake master agent', TIMEOUT, () => {
  let dir: TempDir;
  let master: FakeMaster;
  let agent: Subagent;
  let timers: FakeTimers;
  let logger: ReturnType<typeof captureLogger>;
  let attempts: number[];
  let states: SubagentState[];

  before(() => {
    dir = tempDir('agentx-session');
  });
  after(() => dir.remove());

  async function setup(options: Partial<SubagentOptions> = {}, where: 'unix' | 'tcp' = 'unix'): Promise<void> {
    master = await FakeMaster.listen(where === 'unix' ? { path: dir.file(`master-${Date.now()}-${Math.random()}.sock`) } : { host: '127.0.0.1' });
    timers = new FakeTimers();
    logger = captureLogger();
    attempts = [];
    states = [];
    agent = new Subagent({
      address: master.address,
      id: BASE,
      description: 'session test',
      timers,
      logger,
      pingIntervalMs: 1000,
      requestTimeoutMs: 500,
      registrationRetryMs: 300,
      retryStrategy: (n) => (attempts.push(n), 50),
      ...options,
    });
    agent.on('status', (status) => states.push(status.state));
  }

  afterEach(async () => {
    await master.close();
    await agent.close();
  });

  const registrationStates = () => agent.health().registrations.map((r) => r.state).join(',');

  test('opens a session, registers every subtree in it, and logs each state by name', async () => {
    await setup();
    agent.register({ subtree: BASE, view: scalarView(() => 1), priority: 50 });
    agent.register({ subtree: OTHER, view: scalarView(() => 2) });
    agent.start();
    const c = await master.connection(0);
    const open = await c.expect(PduType.Open);
    assert.equal(open.header.sessionId, 0);
    assert.deepEqual(open.pdu, { type: PduType.Open, timeout: 0, id: BASE, description: 'session test' });
    c.reply(open, { sessionId: 42 });
    const r1 = await c.expect(PduType.Register);
    const r2 = await c.expect(PduType.Register);
    assert.equal(r1.header.sessionId, 42);
    assert.deepEqual(r1.pdu, { type: PduType.Register, timeout: 0, priority: 50, rangeSubid: 0, subtree: BASE });
    assert.deepEqual(r2.pdu, { type: PduType.Register, timeout: 0, priority: 127, rangeSubid: 0, subtree: OTHER });
    c.reply(r1);
    c.reply(r2);
    await waitFor('both registered', () => registrationStates() === 'registered,registered');
    assert.deepEqual(states, ['connecting', 'opening', 'open']);
    assert.deepEqual(agent.status, { state: 'open', sessionId: 42 });
    const open_ = logger.lines.find((l) => l.message === 'AgentX session open');
    assert.deepEqual(open_?.fields, { agentx: master.address, state: 'open', previous: 'opening', epoch: 1, sessionId: 42 });
    assert.equal(logger.lines.filter((l) => l.message === 'AgentX subtree registered').length, 2);
  });

  test('matches Responses by packetID: two in one read, in reverse order', async () => {
    await setup();
    agent.register({ subtree: BASE, view: scalarView(() => 1) });
    agent.register({ subtree: OTHER, view: scalarView(() => 2) });
    agent.start();
    const c = await master.connection(0);
    c.reply(await c.expect(PduType.Open), { sessionId: 7 });
    const r1 = await c.expect(PduType.Register);
    const r2 = await c.expect(PduType.Register);
    c.socket.write(Buffer.concat([c.response(r2), c.response(r1, { error: ResponseError.duplicateRegistration })]));
    await waitFor('one registered, one retrying', () => registrationStates() === 'retrying,registered');
    const warning = logger.lines.find((l) => l.level === 'warn' && l.fields.error === 'duplicateRegistration');
    assert.ok(warning, 'the error is logged by its RFC name');
  });

  test('a duplicateRegistration is retried until the master has reaped the old session', async () => {
    await setup();
    agent.register({ subtree: BASE, view: scalarView(() => 1) });
    agent.start();
    const c = await master.connection(0);
    c.reply(await c.expect(PduType.Open), { sessionId: 7 });
    c.reply(await c.expect(PduType.Register), { error: ResponseError.duplicateRegistration });
    await waitFor('retrying', () => registrationStates() === 'retrying');
    timers.advance(300);
    c.reply(await c.expect(PduType.Register), { error: ResponseError.duplicateRegistration });
    await waitFor('retrying again', () => registrationStates() === 'retrying' && c.received.length === 3);
    timers.advance(300);
    c.reply(await c.expect(PduType.Register));
    await waitFor('registered', () => registrationStates() === 'registered');
    assert.equal(logger.lines.filter((l) => l.level === 'warn').length, 1, 'one warning, not one per attempt');
  });

  test('answers Get and GetNext from the views, and from a swapped view on the next request', async () => {
    await setup();
    const registration = agent.register({ subtree: BASE, view: scalarView(() => 1) });
    agent.start();
    const c = await master.connection(0);
    await c.accept(9, 1);
    c.send({ type: PduType.GetNext, ranges: [{ start: BASE, include: false, end: OTHER }] }, { sessionId: 9, transactionId: 5, packetId: 100 });
    const first = await c.expect(PduType.Response);
    assert.deepEqual([first.header.sessionId, first.header.transactionId, first.header.packetId], [9, 5, 100]);
    assert.deepEqual(first.pdu, { type: PduType.Response, sysUpTime: 0, error: 0, index: 0, varbinds: [{ name: [...BASE, 1, 0], value: integer32(1) }] });
    registration.setView(new MibViewBuilder().scalar([...BASE, 2], () => octetString('swapped')).build());
    c.send({ type: PduType.Get, ranges: [{ start: [...BASE, 2, 0], include: false, end: [] }, { start: [...BASE, 1, 0], include: false, end: [] }] }, { sessionId: 9, packetId: 101 });
    const second = await c.expect(PduType.Response);
    assert.deepEqual(second.pdu.type === PduType.Response && second.pdu.varbinds, [
      { name: [...BASE, 2, 0], value: { type: ValueType.OctetString, value: Buffer.from('swapped') } },
      { name: [...BASE, 1, 0], value: { type: ValueType.noSuchObject } },
    ]);
    c.send({ type: PduType.GetNext, ranges: [{ start: [...BASE, 2, 0], include: false, end: OTHER }] }, { sessionId: 9, packetId: 102 });
    const third = await c.expect(PduType.Response);
    assert.deepEqual(third.pdu.type === PduType.Response && third.pdu.varbinds, [{ name: [...BASE, 2, 0], value: { type: ValueType.endOfMibView } }]);
  });

  test('every request is answered, even when producing a value fails: genErr at the failing range', async () => {
    await setup();
    const view = new MibViewBuilder()
      .scalar([...BASE, 1], () => integer32(1))
      .scalar([...BASE, 2], () => {
        throw new Error('registry unavailable');
      })
      .scalar([...BASE, 3], () => ({ type: ValueType.Integer, value: 2 ** 40 }))
      .build();
    agent.register({ subtree: BASE, view });
    agent.start();
    const c = await master.connection(0);
    await c.accept(9, 1);
    const get = (packetId: number, ...subids: number[]) =>
      c.send({ type: PduType.Get, ranges: subids.map((s) => ({ start: [...BASE, s, 0], include: false, end: [] })) }, { sessionId: 9, packetId });
    get(1, 1, 2);
    assert.deepEqual((await c.expect(PduType.Response)).pdu, { type: PduType.Response, sysUpTime: 0, error: ResponseError.genErr, index: 2, varbinds: [] });
    get(2, 3);
    assert.deepEqual((await c.expect(PduType.Response)).pdu, { type: PduType.Response, sysUpTime: 0, error: ResponseError.genErr, index: 1, varbinds: [] });
    c.send({ type: PduType.GetNext, ranges: [{ start: [...BASE, 1, 0], include: false, end: [] }] }, { sessionId: 9, packetId: 3 });
    assert.deepEqual((await c.expect(PduType.Response)).pdu, { type: PduType.Response, sysUpTime: 0, error: ResponseError.genErr, index: 1, varbinds: [] });
    const errors = logger.lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 3);
    assert.deepEqual(errors[0]?.fields, { epoch: 1, pdu: 'agentx-Get-PDU', oid: `${BASE.join('.')}.2.0`, error: 'registry unavailable' });
    assert.equal(agent.status.state, 'open', 'the session goes on');
  });

  test('TestSet is answered notWritable, CommitSet commitFailed, UndoSet without error, CleanupSet not at all', async () => {
    await setup();
    agent.register({ subtree: BASE, view: scalarView(() => 1) });
    agent.start();
    const c = await master.connection(0);
    await c.accept(9, 1);
    const ids = (packetId: number) => ({ sessionId: 9, transactionId: 77, packetId });
    c.socket.write(
      Buffer.concat([
        c.encode({ type: PduType.TestSet, varbinds: [{ name: [...BASE, 1, 0], value: integer32(5) }] }, ids(1)),
        c.encode({ type: PduType.CommitSet }, ids(2)),
        c.encode({ type: PduType.UndoSet }, ids(3)),
        c.encode({ type: PduType.CleanupSet }, ids(4)),
        c.encode({ type: PduType.Ping }, ids(5)),
      ]),
    );
    const answers = [await c.next(), await c.next(), await c.next(), await c.next()].map((m) => [m.header.packetId, m.pdu.type === PduType.Response ? [m.pdu.error, m.pdu.index] : m.pdu.type]);
    assert.deepEqual(answers, [
      [1, [ResponseError.notWritable, 1]],
      [2, [ResponseError.commitFailed, 0]],
      [3, [ResponseError.noAgentXError, 0]],
      [5, [ResponseError.noAgentXError, 0]],
    ]);
  });

  test('an unknown or malformed PDU is answered parseError, a master-only PDU processingError, another context unsupportedContext', async () => {
    await setup();
    agent.register({ subtree: BASE, view: scalarView(() => 1) });
    agent.start();
    const c = await master.connection(0);
    await c.accept(9, 1);
    c.socket.write(hex('01 63 10 00  00000009 00000001 00000041 00000000'));
    c.socket.write(hex('01 05 10 00  00000009 00000001 00000042 00000008', '05 04 00 00 00000001'));
    c.send({ type: PduType.Register, timeout: 0, priority: 1, rangeSubid: 0, subtree: BASE }, { sessionId: 9, packetId: 0x43 });
    c.send({ type: PduType.Get, ranges: [{ start: [...BASE, 1, 0], include: false, end: [] }] }, { sessionId: 9, packetId: 0x44 }, 'other');
    const answers = [await c.next(), await c.next(), await c.next(), await c.next()].map((m) => [m.header.packetId, m.pdu.type === PduType.Response && m.pdu.error]);
    assert.deepEqual(answers, [
      [0x41, ResponseError.parseError],
      [0x42, ResponseError.parseError],
      [0x43, ResponseError.processingError],
      [0x44, ResponseError.unsupportedContext],
    ]);
    assert.equal(agent.status.state, 'open');
  });

  test('pings every interval; a master that stops answering is dropped, and Open and every registration are replayed', async () => {
    await setup();
    agent.register({ subtree: BASE, view: scalarView(() => 1) });
    agent.register({ subtree: OTHER, view: scalarView(() => 2) });
    agent.start();
    const c0 = await master.connection(0);
    await c0.accept(9, 2);
    await waitFor('registered', () => registrationStates() === 'registered,registered');
    timers.advance(1000);
    c0.reply(await c0.expect(PduType.Ping));
    await waitFor('the answer taken and the next ping scheduled', () => timers.pending === 1 && timers.nextDue() === 2000);
    timers.advance(1000);
    await c0.expect(PduType.Ping);
    timers.advance(500);
    assert.equal(agent.status.state, 'reconnecting');
    assert.match((agent.status as { reason: string }).reason, /no answer to agentx-Ping-PDU within 500 ms/);
    assert.equal(registrationStates(), 'pending,pending');
    await waitFor('the old connection closed', () => c0.closed);
    timers.advance(50);
    const c1 = await master.connection(1);
    await c1.accept(10, 2);
    await waitFor('registered again', () => registrationStates() === 'registered,registered');
    assert.deepEqual(agent.status, { state: 'open', sessionId: 10 });
    assert.equal(agent.health().epoch, 2);
    assert.deepEqual(attempts, [1]);
    assert.deepEqual(states, ['connecting', 'opening', 'open', 'reconnecting', 'connecting', 'opening', 'open']);
  });

  test('a Ping answered notOpen (the master has forgotten the session) leads to a new session', async () => {
    await setup();
    agent.register({ subtree: BASE, view: scalarView(() => 1) });
    agent.start();
    const c0 = await master.connection(0);
    await c0.accept(9, 1);
    await waitFor('registered', () => registrationStates() === 'registered');
    timers.advance(1000);
    c0.reply(await c0.expect(PduType.Ping), { error: ResponseError.notOpen });
    await waitFor('reconnecting', () => agent.status.state === 'reconnecting');
    assert.match((agent.status as { reason: string }).reason, /agentx-Ping-PDU with notOpen/);
    timers.advance(50);
    await (await master.connection(1)).accept(10, 1);
    await waitFor('registered again', () => registrationStates() === 'registered');
  });

  test('a subtree unregistered while its Register is on the way is unregistered once the master accepts it', async () => {
    await setup();
    const registration = agent.register({ subtree: BASE, view: scalarView(() => 1) });
    agent.start();
    const c = await master.connection(0);
    c.reply(await c.expect(PduType.Open), { sessionId: 9 });
    const register = await c.expect(PduType.Register);
    await agent.unregister(registration);
    c.reply(register);
    const unregister = await c.expect(PduType.Unregister);
    assert.deepEqual(unregister.pdu, { type: PduType.Unregister, priority: 127, rangeSubid: 0, subtree: BASE });
    c.reply(unregister);
    assert.deepEqual(agent.health().registrations, []);
  });

  test('unregister sends agentx-Unregister-PDU, and the subtree is not registered on later sessions', async () => {
    await setup();
    const registration = agent.register({ subtree: BASE, view: scalarView(() => 1) });
    agent.register({ subtree: OTHER, view: scalarView(() => 2) });
    agent.start();
    const c0 = await master.connection(0);
    await c0.accept(9, 2);
    await waitFor('registered', () => registrationStates() === 'registered,registered');
    const done = agent.unregister(registration);
    const unregister = await c0.expect(PduType.Unregister);
    assert.equal(unregister.pdu.type === PduType.Unregister && unregister.pdu.subtree.join('.'), BASE.join('.'));
    c0.reply(unregister);
    await done;
    c0.socket.destroy();
    await waitFor('reconnecting', () => agent.status.state === 'reconnecting');
    timers.advance(50);
    const c1 = await master.connection(1);
    c1.reply(await c1.expect(PduType.Open), { sessionId: 10 });
    const again = await c1.expect(PduType.Register);
    assert.deepEqual(again.pdu.type === PduType.Register && again.pdu.subtree, OTHER);
    c1.reply(again);
    await waitFor('registered', () => registrationStates() === 'registered');
    assert.equal(c1.received.length, 2, 'Open and one Register only');
  });

  test('the master closing the connection, or sending agentx-Close-PDU, leads to a new session', async () => {
    await setup();
    agent.register({ subtree: BASE, view: scalarView(() => 1) });
    agent.start();
    const c0 = await master.connection(0);
    await c0.accept(9, 1);
    c0.socket.destroy();
    await waitFor('reconnecting', () => agent.status.state === 'reconnecting');
    timers.advance(50);
    const c1 = await master.connection(1);
    await c1.accept(10, 1);
    await waitFor('open again', () => agent.status.state === 'open');
    c1.send({ type: PduType.Close, reason: CloseReason.reasonByManager }, { sessionId: 10, packetId: 1 });
    await waitFor('reconnecting', () => agent.status.state === 'reconnecting');
    assert.match((agent.status as { reason: string }).reason, /reasonByManager/);
    timers.advance(50);
    await (await master.connection(2)).accept(11, 1);
    await waitFor('registered', () => registrationStates() === 'registered');
    assert.equal(agent.health().epoch, 3);
  });

  test('a refused Open is retried as the strategy says; a strategy that gives up closes the subagent', async () => {
    await setup({ retryStrategy: (n) => (attempts.push(n), n < 3 ? 10 : null) });
    agent.start();
    for (let i = 0; i < 3; i++) {
      const c = await master.connection(i);
      c.reply(await c.expect(PduType.Open), { error: ResponseError.openFailed });
      await waitFor(`attempt ${i + 1} failed`, () => attempts.length === i + 1);
      timers.advance(10);
    }
    assert.equal(agent.status.state, 'closed');
    assert.match((agent.status as { reason: string }).reason, /gave up reconnecting after 3 attempts: .*openFailed/);
    assert.deepEqual(attempts, [1, 2, 3]);
  });

  test('notify sends sysUpTime.0 and snmpTrapOID.0 first, and resolves when the master accepts', async () => {
    await setup();
    await assert.rejects(agent.notify(TRAP), { code: 'AGENTX_NOT_OPEN' });
    agent.start();
    const c = await master.connection(0);
    await c.accept(9, 0);
    await waitFor('open', () => agent.status.state === 'open');
    const sent = agent.notify(TRAP, [{ name: [...BASE, 1, 0], value: integer32(3) }], { sysUpTime: 1234 });
    const notify = await c.expect(PduType.Notify);
    assert.deepEqual(notify.pdu, {
      type: PduType.Notify,
      varbinds: [
        { name: SYS_UP_TIME_0, value: timeTicks(1234) },
        { name: SNMP_TRAP_OID_0, value: { type: ValueType.ObjectIdentifier, value: TRAP } },
        { name: [...BASE, 1, 0], value: integer32(3) },
      ],
    });
    c.reply(notify);
    await sent;
    const refused = agent.notify(TRAP);
    const second = await c.expect(PduType.Notify);
    assert.deepEqual(second.pdu.type === PduType.Notify && second.pdu.varbinds.map((v) => v.name), [SNMP_TRAP_OID_0]);
    c.reply(second, { error: ResponseError.processingError });
    await assert.rejects(refused, { code: 'AGENTX_REFUSED', detail: 'processingError' });
  });

  test('close sends agentx-Close-PDU with reasonShutdown, waits for the answer, and stops for good', async () => {
    await setup();
    agent.register({ subtree: BASE, view: scalarView(() => 1) });
    agent.start();
    const c = await master.connection(0);
    await c.accept(9, 1);
    await waitFor('registered', () => registrationStates() === 'registered');
    const closing = agent.close();
    const close = await c.expect(PduType.Close);
    assert.deepEqual(close.pdu, { type: PduType.Close, reason: CloseReason.reasonShutdown });
    assert.equal(close.header.sessionId, 9);
    assert.equal(agent.status.state, 'closing');
    c.reply(close);
    await closing;
    assert.deepEqual(agent.status, { state: 'closed', reason: 'reasonShutdown' });
    await waitFor('disconnected', () => c.closed);
    assert.equal(timers.pending, 0, 'no ping, no reconnect left');
    assert.equal(master.connections.length, 1);
  });

  test('close while the master is unreachable stops the reconnecting', async () => {
    await setup();
    await master.close();
    agent.start();
    await waitFor('reconnecting', () => agent.status.state === 'reconnecting');
    await agent.close();
    assert.equal(agent.status.state, 'closed');
    assert.equal(timers.pending, 0);
  });

  test('works over tcp as over a unix socket', async () => {
    await setup({}, 'tcp');
    assert.match(master.address, /^tcp:127\.0\.0\.1:\d+$/);
    agent.register({ subtree: BASE, view: scalarView(() => 1) });
    agent.start();
    await (await master.connection(0)).accept(3, 1);
    await waitFor('registered', () => registrationStates() === 'registered');
  });
});

describe('a request outstanding on a connection that has ended', TIMEOUT, () => {
  test('is rejected, and a late answer to it is ignored', async () => {
    const { Session } = await import('../../src/agentx/session.js');
    const { Registrations } = await import('../../src/agentx/registration.js');
    const written: Buffer[] = [];
    const fatal: string[] = [];
    const timers = new FakeTimers();
    const session = new Session({ epoch: 1, write: (b) => written.push(b), registrations: new Registrations(), timers, logger: captureLogger(), requestTimeoutMs: 500, onFatal: (r) => fatal.push(r) });
    const ping = session.request({ type: PduType.Ping });
    session.end('test');
    await assert.rejects(ping, { code: 'AGENTX_CONNECTION_LOST' });
    session.receive(hex('01 12 10 00  00000000 00000000 00000001 00000008', '00000000 0000 0000'));
    assert.deepEqual(fatal, []);
    assert.equal(written.length, 1);
    assert.equal(timers.pending, 0);
  });
});


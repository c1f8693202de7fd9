import type { Time } from '../common/time.js';
import { EngineApiError, type EngineApi } from '../docker/engine-api.js';
import { CHECK_OF_LABEL, type CheckTarget } from './check-target.js';

/** One check's outcome, as plain data. */
export type CheckResult =
  | { status: 'ok'; exitCode: 0; output: string }
  | { status: 'failed'; exitCode: number; output: string }
  | { status: 'timed-out'; timeoutMs: number };

/** The first non-blank line of a check's output, trimmed, at most 200 characters. */
export function firstLine(output: string): string {
  const line = output.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.trim().slice(0, 200);
}

/**
 * Runs COMMAND IP in a new container of the target's image, on the target's network: the
 * entrypoint replaced by the command, no shell. The container is removed afterwards, and
 * killed when it outlasts timeoutMs. Throws an EngineApiError when Docker cannot run it.
 */
export async function runCheck(engine: EngineApi, target: CheckTarget, command: readonly string[], timeoutMs: number, time: Time): Promise<CheckResult> {
  const id = await engine.createContainer({
    Image: target.imageId,
    Entrypoint: [...command, target.ip],
    Cmd: [],
    Labels: { [CHECK_OF_LABEL]: target.id },
    HostConfig: { NetworkMode: target.networkMode },
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  let timer: unknown;
  try {
    try {
      await engine.startContainer(id);
    } catch (error) {
      // dockerd refuses to start a command the image does not have: the check fails, as a shell's 127.
      if (error instanceof EngineApiError && error.code === 'DOCKER_REFUSED') return { status: 'failed', exitCode: 127, output: startRefusal(error.message) };
      throw error;
    }
    const waited = engine.waitContainer(id);
    const timedOut = new Promise<'timed-out'>((resolve) => (timer = time.setTimeout(() => resolve('timed-out'), timeoutMs)));
    const outcome = await Promise.race([waited, timedOut]);
    if (outcome === 'timed-out') {
      waited.catch(() => {}); // the removal below ends the wait
      return { status: 'timed-out', timeoutMs };
    }
    const output = firstLine(await engine.containerOutput(id));
    return outcome === 0 ? { status: 'ok', exitCode: 0, output } : { status: 'failed', exitCode: outcome, output };
  } finally {
    time.clearTimeout(timer);
    await engine.removeContainer(id).catch(() => {});
  }
}

/** A failed check in words: timed out, or its exit status and first line of output. */
export function describeFailure(result: CheckResult): string {
  if (result.status === 'timed-out') return `the check timed out after ${result.timeoutMs / 1000} s`;
  if (result.status === 'ok') return 'the check passed';
  return `the check exited ${result.exitCode}${result.output ? `: ${result.output}` : ''}`;
}

/** What the runtime says when it cannot start the command (`exec: "/x": stat /x: no such file or directory`), on one line. */
function startRefusal(message: string): string {
  const text = message.replace(/\s+/g, ' ').trim();
  return (/exec: .*$/.exec(text)?.[0] ?? text).slice(0, 200);
}

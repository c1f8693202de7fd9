import type { Time } from '../common/time.js';
import { EngineApiError, type EngineApi } from '../docker/engine-api.js';
import { describeFailure, runCheck } from './check-runner.js';
import { containerLabel, readCheckTarget } from './check-target.js';
import { checkTimeoutMs, readHealthcheckEnv } from './healthcheck-env.js';
import type { EventLog } from './log.js';
import type { NagiosResult } from './nagios.js';

/** `checker check CONTAINER`: one check, as a Nagios plugin's verdict that says what to fix. */
export async function checkCommand(engine: EngineApi, container: string, time: Time, log: EventLog): Promise<NagiosResult> {
  try {
    const target = await readCheckTarget(engine, container);
    if (target === null) return { state: 'UNKNOWN', text: `no such container '${container}': give a container's name or id (docker ps)` };
    const label = containerLabel(target);
    if (!target.running) return { state: 'UNKNOWN', text: `${label} is not running (${target.state}): start it, then check again` };
    const env = readHealthcheckEnv(target.env);
    if (env.problem !== null) log.warn(`${label}: ${env.problem}`);
    if (env.command === null) {
      return { state: 'UNKNOWN', text: env.problem !== null ? `${label}: ${env.problem}` : `${label} has no HEALTHCHECK in its environment: declare ENV HEALTHCHECK=COMMAND in its image` };
    }
    if (target.ip === '') return { state: 'UNKNOWN', text: `${label} has no IP address on its network (network mode ${target.networkMode}): nothing to check it at` };
    log.debug(`${label}: running ${JSON.stringify([...env.command, target.ip])} in a new container of image ${target.imageName}`);
    const result = await runCheck(engine, target, env.command, checkTimeoutMs(env.periodSeconds), time);
    if (result.status === 'ok') return { state: 'OK', text: `${label} is healthy${result.output ? `: ${result.output}` : ''}` };
    return { state: 'CRITICAL', text: `${label}: ${describeFailure(result)}` };
  } catch (error) {
    if (error instanceof EngineApiError) {
      const hint = error.code === 'DOCKER_UNREACHABLE' ? ': is dockerd running? Give its socket with -docker-socket=PATH or DOCKER_HOST=unix://PATH' : '';
      return { state: 'UNKNOWN', text: `Docker: ${error.message}${hint}` };
    }
    throw error;
  }
}

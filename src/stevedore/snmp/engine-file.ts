import { open, readFile, rename } from 'node:fs/promises';
import { hostname } from 'node:os';
import { CodedError } from '../../common/coded-error.js';
import { hostEngineId, isEngineId, randomEngineId } from '../../snmp/engine.js';

/** Net-SNMP's enterprise number, under whose experimental arc TALLYMAN-MIB lives (tallyman-mib.ts). */
export const ENTERPRISE = 8072;

export class EngineFileError extends CodedError<'SNMP_ENGINE_FILE'> {
  constructor(message: string) {
    super('SNMP_ENGINE_FILE', message);
  }
}

export interface EngineIdentity {
  id: Buffer;
  /** snmpEngineBoots for this run (RFC 3414 section 2.2.1): one more than the last run's. */
  boots: number;
}

/** `<state file>.engine`: the SNMP engine id and boots count, kept beside the registry's state. */
export function engineFilePath(stateFile: string): string {
  return `${stateFile}.engine`;
}

const LINE = /^engine-id ([0-9a-f]+)\nboots (\d{1,10})\n$/;

/**
 * The engine identity for this run. With a file: the id kept there (a new random one the first
 * time) and the boots count plus one, written back before the agent answers, so that a
 * restarted agent never reuses a (boots, time) pair (RFC 3414 section 2.2.2). Without one: an
 * id derived from the host's name (stable across restarts) and boots 1.
 */
export async function loadEngineIdentity(path: string | null): Promise<EngineIdentity> {
  if (path === null) return { id: hostEngineId(ENTERPRISE, hostname()), boots: 1 };
  let text: string | null = null;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new EngineFileError(`cannot read the SNMP engine file ${path}: ${(error as Error).message}`);
  }
  let identity: EngineIdentity;
  if (text === null) {
    identity = { id: randomEngineId(ENTERPRISE), boots: 1 };
  } else {
    const m = LINE.exec(text);
    const id = m ? Buffer.from(m[1] as string, 'hex') : Buffer.alloc(0);
    if (!m || (m[1] as string).length % 2 !== 0 || !isEngineId(id)) {
      throw new EngineFileError(`the SNMP engine file ${path} is not 'engine-id HEX' (5 to 32 octets) then 'boots N': fix it, or remove it for a new engine id (SNMPv3 managers then rediscover it)`);
    }
    identity = { id, boots: Math.min(Number(m[2]) + 1, 0x7fffffff) };
  }
  const temporary = `${path}.tmp`;
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(`engine-id ${identity.id.toString('hex')}\nboots ${identity.boots}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    throw new EngineFileError(`cannot write the SNMP engine file ${path}: ${(error as Error).message}`);
  }
  return identity;
}

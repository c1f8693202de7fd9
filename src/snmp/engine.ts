import { createHash, randomBytes } from 'node:crypto';
import type { Time } from '../common/time.js';
import type { EngineInfo } from './standard-objects.js';
import { MAX_UDP_PAYLOAD } from './agent.js';

/** RFC 3414 section 2.2.1: snmpEngineBoots and snmpEngineTime stop at 2^31 - 1. */
const MAX_ENGINE_VALUE = 0x7fffffff;

/**
 * RFC 3411 section 5 (SnmpEngineID): bit 0x80 set, then the enterprise number in the first
 * four octets, a format octet and the identifying octets. Format 5 (octets) with 8 octets.
 */
export function engineIdFrom(enterprise: number, octets: Buffer): Buffer {
  const id = Buffer.alloc(5 + octets.length);
  id.writeUInt32BE((0x80000000 | enterprise) >>> 0, 0);
  id[4] = 5;
  octets.copy(id, 5);
  return id;
}

/** A stable engine id for a host with nowhere to keep one: the first 8 octets of SHA-256 of its name. */
export function hostEngineId(enterprise: number, hostname: string): Buffer {
  return engineIdFrom(enterprise, createHash('sha256').update(hostname, 'utf8').digest().subarray(0, 8));
}

/** A new random engine id, kept by the caller from then on. */
export function randomEngineId(enterprise: number): Buffer {
  return engineIdFrom(enterprise, randomBytes(8));
}

/** RFC 3411 section 5: an engine id is 5 to 32 octets. */
export function isEngineId(id: Buffer): boolean {
  return id.length >= 5 && id.length <= 32;
}

/** The SNMP engine: its id, boots (kept by the caller across restarts) and time since this boot. */
export class Engine implements EngineInfo {
  readonly maxMessageSize = MAX_UDP_PAYLOAD;
  private readonly bootedAt: number;

  constructor(
    readonly id: Buffer,
    private readonly bootCount: number,
    private readonly clock: Time,
  ) {
    this.bootedAt = clock.monotonic();
  }

  boots(): number {
    return Math.min(this.bootCount, MAX_ENGINE_VALUE);
  }

  time(): number {
    return Math.min(Math.floor((this.clock.monotonic() - this.bootedAt) / 1000), MAX_ENGINE_VALUE);
  }

  /** sysUpTime: hundredths of a second since this boot. */
  uptimeHundredths(): number {
    return Math.floor((this.clock.monotonic() - this.bootedAt) / 10);
  }
}

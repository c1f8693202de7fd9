import { BlockList, isIPv4 } from 'node:net';
import type { Cidr } from '../config/config.js';

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is the IPv4 address it carries. */
export function normaliseAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? (mapped[1] as string) : address;
}

function blockList(cidrs: readonly Cidr[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) list.addSubnet(cidr.address, cidr.prefix, cidr.family === 4 ? 'ipv4' : 'ipv6');
  return list;
}

const MAX_REMEMBERED = 65_536;

export type AccessDecision = 'allowed' | 'denied' | 'not-allowed';

/**
 * allow/deny by source address: a `deny` match refuses whatever `allow` says; otherwise the
 * address must match an `allow` block.
 */
export class AccessList {
  private readonly allow: BlockList;
  private readonly deny: BlockList;
  /** Decisions by address: a host has few sources, and BlockList.check allocates on every call. */
  private readonly decided = new Map<string, AccessDecision>();

  constructor(allow: readonly Cidr[], deny: readonly Cidr[]) {
    this.allow = blockList(allow);
    this.deny = blockList(deny);
  }

  decide(address: string): AccessDecision {
    let decision = this.decided.get(address);
    if (decision === undefined) {
      const plain = normaliseAddress(address);
      const family = isIPv4(plain) ? 'ipv4' : 'ipv6';
      decision = this.deny.check(plain, family) ? 'denied' : this.allow.check(plain, family) ? 'allowed' : 'not-allowed';
      if (this.decided.size >= MAX_REMEMBERED) this.decided.clear();
      this.decided.set(address, decision);
    }
    return decision;
  }
}

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

export type AccessDecision = 'allowed' | 'denied' | 'not-allowed';

/**
 * allow/deny by source address: a `deny` match refuses whatever `allow` says; otherwise the
 * address must match an `allow` block.
 */
export class AccessList {
  private readonly allow: BlockList;
  private readonly deny: BlockList;

  constructor(allow: readonly Cidr[], deny: readonly Cidr[]) {
    this.allow = blockList(allow);
    this.deny = blockList(deny);
  }

  decide(address: string): AccessDecision {
    const plain = normaliseAddress(address);
    const family = isIPv4(plain) ? 'ipv4' : 'ipv6';
    if (this.deny.check(plain, family)) return 'denied';
    return this.allow.check(plain, family) ? 'allowed' : 'not-allowed';
  }
}

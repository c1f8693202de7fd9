/**
 * CIDR: an address block of allow/deny, 10.0.0.0/8 or fd00::/8; a lone address is a block of
 * one (/32, /128). Host bits set below the prefix are an error, not silently cleared: they
 * usually mean a mistyped prefix length.
 */
import type { Cidr } from '../config.js';
import { formatIp, parseIPv4, parseIPv6, type IpBytes } from './ip.js';
import { invalid, valid, type Value } from './value.js';

function masked(bytes: IpBytes, prefix: number): IpBytes {
  return bytes.map((b, i) => {
    const bits = Math.min(Math.max(prefix - 8 * i, 0), 8);
    return b & ((0xff << (8 - bits)) & 0xff);
  });
}

export function parseCidr(text: string): Value<Cidr> {
  const bad = invalid('CONFIG_BAD_CIDR', `bad CIDR '${text}' (use an address and prefix length, as 10.0.0.0/8 or fd00::/8)`);
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? null : text.slice(slash + 1);
  const v4 = parseIPv4(addressText);
  const bytes = v4 ?? parseIPv6(addressText);
  if (bytes === null) return bad;
  const family = v4 ? 4 : 6;
  const bits = bytes.length * 8;
  if (prefixText !== null && !/^[0-9]{1,3}$/.test(prefixText)) return bad;
  const prefix = prefixText === null ? bits : Number(prefixText);
  if (prefix > bits) return invalid('CONFIG_BAD_CIDR', `bad CIDR '${text}': an IPv${family} prefix length is at most ${bits}`);
  const network = masked(bytes, prefix);
  if (network.some((b, i) => b !== bytes[i])) {
    return invalid('CONFIG_BAD_CIDR', `bad CIDR '${text}': host bits are set (did you mean ${formatIp(network)}/${prefix}?)`);
  }
  return valid({ family, address: formatIp(network), prefix, text });
}

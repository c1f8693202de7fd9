/**
 * IPv4 and IPv6 addresses as bytes, for prefix arithmetic, and back to text: IPv4 dotted,
 * IPv6 as RFC 5952 recommends (lower case, the longest run of two or more zero groups as `::`).
 */
import { isIPv4, isIPv6 } from 'node:net';

export type IpBytes = number[];

export function parseIPv4(text: string): IpBytes | null {
  return isIPv4(text) ? text.split('.').map(Number) : null;
}

export function parseIPv6(text: string): IpBytes | null {
  if (!isIPv6(text) || text.includes('%')) return null;
  let groups = text;
  let tail: IpBytes = [];
  const dotted = /:((?:[0-9]+\.){3}[0-9]+)$/.exec(text);
  if (dotted) {
    tail = parseIPv4(dotted[1] as string) as IpBytes;
    groups = `${text.slice(0, dotted.index)}:`;
  }
  const [head, rest] = groups.split('::') as [string, string | undefined];
  const words = (part: string): number[] => part.split(':').filter((w) => w !== '').map((w) => parseInt(w, 16));
  const left = words(head);
  const right = rest === undefined ? [] : words(rest);
  const zeros = 8 - tail.length / 2 - left.length - right.length;
  const all = [...left, ...Array<number>(rest === undefined ? 0 : zeros).fill(0), ...right];
  return [...all.flatMap((w) => [w >> 8, w & 0xff]), ...tail];
}

export function formatIp(bytes: IpBytes): string {
  if (bytes.length === 4) return bytes.join('.');
  const words = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] as number) << 8) | (bytes[2 * i + 1] as number));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLength))}`;
}

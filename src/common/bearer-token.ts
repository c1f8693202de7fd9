import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A bearer token as tallyman sends it and stevedore's `token` statement takes it:
 * RFC 6750 section 2.1, b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export function isBearerToken(text: string): boolean {
  return BEARER_TOKEN.test(text);
}

export const BEARER_TOKEN_RULE = 'only A-Z a-z 0-9 - . _ ~ + / and trailing =';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export type BearerVerdict = 'ok' | 'missing' | 'wrong';

/**
 * Checks an Authorization header against a configured token (RFC 6750 section 2.1). Compares
 * digests: equal length, constant time, and the token's length is not revealed. The token
 * itself is kept only as its digest, so nothing can log or show it.
 */
export class BearerCheck {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  verdict(authorization: string | undefined): BearerVerdict {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!bearer) return 'missing';
    return timingSafeEqual(digest(bearer[1] as string), this.expected) ? 'ok' : 'wrong';
  }
}

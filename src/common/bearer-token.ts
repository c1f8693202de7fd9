/**
 * A bearer token as tallyman sends it and stevedore's `token` statement takes it:
 * RFC 6750 section 2.1, b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export function isBearerToken(text: string): boolean {
  return BEARER_TOKEN.test(text);
}

export const BEARER_TOKEN_RULE = 'only A-Z a-z 0-9 - . _ ~ + / and trailing =';

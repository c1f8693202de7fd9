import type { FastifyInstance } from 'fastify';
import { refusals } from './refusal.js';

/**
 * The charset parameter of a Content-Type, lower-cased, or null when it has none (RFC 9110
 * section 8.3.1: parameter names are case-insensitive, values may be quoted strings; section
 * 8.3.2: charset names are case-insensitive).
 */
export function charsetOf(contentType: string): string | null {
  for (const parameter of contentType.split(';').slice(1)) {
    const eq = parameter.indexOf('=');
    if (eq < 0 || parameter.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    return parameter.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return null;
}

/** UTF-8 by its registered name, and `utf8`, which is not registered but which many clients send. */
const UTF8_NAMES = new Set(['utf-8', 'utf8']);

/**
 * Reports' JSON parser, in place of fastify's: the body is read as UTF-8, so another charset is
 * refused (415) rather than misread; then fastify's own parser, refusing `__proto__` and
 * `constructor.prototype` keys (secure-json-parse). That parser says only "not valid JSON" for
 * both malformed JSON and those keys: JSON that plain JSON.parse reads was refused for a key, and
 * is told so.
 */
export function useReportJsonParser(app: FastifyInstance): void {
  const secureParse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    const body = text as string;
    const charset = charsetOf(request.headers['content-type'] ?? '');
    if (charset !== null && !UTF8_NAMES.has(charset)) {
      done(refusals.notUtf8(charset), undefined);
      return;
    }
    secureParse(request, body, (error, value) => {
      if (error !== null && isPlainJson(body)) done(refusals.forbiddenKey(), undefined);
      else done(error, value);
    });
  });
}

function isPlainJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

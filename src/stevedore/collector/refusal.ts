import { CodedError } from '../../common/coded-error.js';

/**
 * Why a report was refused: the HTTP status, a stable code for programs, and a reason for
 * people, sent as `{ "error": reason, "code": code }`; with 429, when to retry (Retry-After).
 * `logged`, when set, is what the operator's log says instead of the reason: what the reporter
 * must not be told.
 */
export class Refusal extends CodedError {
  constructor(
    readonly statusCode: number,
    code: string,
    reason: string,
    readonly retryAfterSeconds: number | null = null,
    readonly logged: string | null = null,
  ) {
    super(code, reason);
  }
}

export const refusals = {
  notAllowed: (address: string) => new Refusal(403, 'SOURCE_NOT_ALLOWED', `source address ${address} may not send reports (see allow/deny in the configuration)`),
  denied: (address: string) => new Refusal(403, 'SOURCE_DENIED', `source address ${address} is denied by the configuration`),
  tokenMissing: () => new Refusal(401, 'TOKEN_MISSING', 'this collector requires a token: send Authorization: Bearer TOKEN (tallyman --token, or TALLYMAN_TOKEN for tallyman and tallyman.sh)'),
  tokenWrong: () => new Refusal(401, 'TOKEN_WRONG', 'the bearer token does not match the collector\'s token'),
  rateLimited: (address: string, retryAfterSeconds: number) =>
    new Refusal(429, 'RATE_LIMITED', `too many reports from ${address} (over its rate-limit): retry after ${retryAfterSeconds} s`, retryAfterSeconds),
  unsupportedMediaType: (type: string | undefined) =>
    new Refusal(415, 'NOT_JSON', `reports are JSON: send them with Content-Type: application/json${type ? ` (not ${type.split(';')[0]!.trim().slice(0, 100)})` : ''}`),
  notUtf8: (charset: string) =>
    new Refusal(415, 'NOT_UTF8', `reports are UTF-8: send them with Content-Type: application/json, or application/json; charset=utf-8 (not charset=${charset.slice(0, 40)})`),
  tooLarge: (limit: number) => new Refusal(413, 'TOO_LARGE', `report body larger than ${limit} bytes`),
  malformed: (detail: string) => new Refusal(400, 'MALFORMED_JSON', `malformed JSON: ${detail}`),
  forbiddenKey: () =>
    new Refusal(400, 'FORBIDDEN_KEY', 'a report may not hold a key named __proto__, nor a constructor key holding a prototype key (they would change every object): remove it'),
  invalid: (detail: string) => new Refusal(400, 'INVALID_REPORT', detail),
  /**
   * verify-source: one answer whether the hostname names another container or none, so that a
   * container learns neither other containers' names nor which exist; the log tells which.
   */
  notOwnContainer: (address: string, hostname: string, named: string | null) =>
    new Refusal(
      403,
      'SOURCE_NOT_CONTAINER',
      `a report must name the container it comes from, by its own hostname or id: '${hostname}' is not the container at ${address} (verify-source)`,
      null,
      named === null
        ? `no container on this host has hostname or id '${hostname}' (verify-source)`
        : `the report names container '${named}' but comes from ${address}, which is not one of its addresses (verify-source)`,
    ),
  dockerUnavailable: () => new Refusal(503, 'DOCKER_UNAVAILABLE', 'cannot check where the report comes from: dockerd does not answer (verify-source); retry later'),
  unknownService: (reason: string) => new Refusal(404, 'UNKNOWN_SERVICE', reason),
  instanceCap: (reason: string) => new Refusal(429, 'INSTANCE_CAP', reason),
};

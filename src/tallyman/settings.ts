import { BEARER_TOKEN_RULE, isBearerToken } from '../common/bearer-token.js';
import { DEFAULT_COLLECTOR_PORT } from '../common/report.js';
import type { TallymanOptions } from './options.js';
import { parseServer, type ServerSpec } from './server.js';
import { UsageError } from './usage-error.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** What the command line leaves open, settled from the environment and the system. */
export interface Settings {
  hostname: string;
  server: ServerSpec;
  /** Where server came from, for --debug. */
  serverOrigin: string;
  token?: string;
}


export function settle(options: TallymanOptions, env: Environment, systemHostname: () => string): Settings {
  const hostname = options.hostname ?? (env.TALLYMAN_HOSTNAME || systemHostname());

  let server: ServerSpec = { port: DEFAULT_COLLECTOR_PORT };
  let serverOrigin = 'default gateway';
  if (options.server !== undefined) {
    server = parseServer(options.server, '--server');
    serverOrigin = '--server';
  } else if (env.TALLYMAN_SERVER) {
    server = parseServer(env.TALLYMAN_SERVER, 'TALLYMAN_SERVER');
    serverOrigin = 'TALLYMAN_SERVER';
  }
  if (server.host === undefined && serverOrigin !== 'default gateway') serverOrigin += ', host from the default gateway';

  const settings: Settings = { hostname, server, serverOrigin };
  const token = options.token ?? (env.TALLYMAN_TOKEN || undefined);
  if (token !== undefined) {
    if (!isBearerToken(token)) {
      const origin = options.token !== undefined ? '--token' : 'TALLYMAN_TOKEN';
      throw new UsageError(`${origin} may hold ${BEARER_TOKEN_RULE} (a bearer token)`);
    }
    settings.token = token;
  }
  return settings;
}

/**
 * The command's environment: tallyman's own, as it is, without TALLYMAN_TOKEN. A check that
 * prints its environment would otherwise send the token in its report, for the JSON API to show.
 */
export function commandEnvironment(env: Environment): Record<string, string | undefined> {
  const copy = { ...env };
  delete copy.TALLYMAN_TOKEN;
  return copy;
}

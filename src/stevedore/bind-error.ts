import { CodedError } from '../common/coded-error.js';

/** What to do about a socket that cannot be bound, by errno. */
const ADVICE: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address in use; choose another port or stop the program holding it',
  EACCES: 'permission denied; a port below 1024 needs root (or CAP_NET_BIND_SERVICE)',
  EADDRNOTAVAIL: "no interface has this address; give one of this host's addresses, or 0.0.0.0",
};

/**
 * A listening socket (TCP or UDP) that could not be bound, naming the address and the
 * statement that asked for it (declared-at.ts): `cannot listen on 127.0.0.1:16161 (snmp-listen
 * at conf/development.conf:12): address in use; choose another port or stop the program
 * holding it`. `errno` is the system's code (EADDRINUSE, EACCES, ...).
 */
export class BindError extends CodedError<'BIND_FAILED'> {
  readonly errno: string;

  constructor(address: string, origin: string, cause: unknown) {
    const errno = (cause as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
    const advice = ADVICE[errno] ?? `${errno}: ${(cause as Error).message}`;
    super('BIND_FAILED', `cannot listen on ${address} (${origin}): ${advice}`, { cause });
    this.errno = errno;
  }
}

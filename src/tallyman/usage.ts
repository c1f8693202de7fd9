export const SYNOPSIS = `usage: tallyman [-dq] [-h NAME] [-s HOST:PORT] [-v JSON] [--connection-timeout=SECONDS]
                [--execution-timeout=SECONDS] [--debug] [--quiet] [--hostname=NAME]
                [--server=HOST:PORT] [--value=JSON] [--token=TOKEN] SRVID COMMAND [ARGS...]
       tallyman -? | --help
       tallyman -V | --version
`;

export const HELP = `${SYNOPSIS}
Runs COMMAND as a health check, passes its output and exit status through unchanged,
and reports the result for service SRVID to the stevedore collector.

  -h, --hostname=NAME            instance name [env TALLYMAN_HOSTNAME, else the system hostname]
  -s, --server=HOST:PORT         collector; ':PORT' or 'HOST' fill in the other part from the
                                 default [env TALLYMAN_SERVER, else the default gateway:8990]
  -v, --value=JSON               a JSON value to attach to the report
      --token=TOKEN              sent as 'Authorization: Bearer TOKEN' [env TALLYMAN_TOKEN]
      --connection-timeout=SECONDS  bound on the whole report [3]
      --execution-timeout=SECONDS   stop COMMAND after this long, exit 124 [none]
  -d, --debug                    print tallyman's own diagnostics on stderr
  -q, --quiet                    print none of tallyman's own messages
  -?, --help                     this help
  -V, --version                  tallyman's version

Options end at SRVID: everything after COMMAND is COMMAND's.
Exit status: COMMAND's; 128+N if killed by signal N; 124 on execution timeout;
127 if COMMAND is not found, 126 if it cannot be executed; 64 on bad usage.
`;

/** EX_USAGE from sysexits(3). */
export const EXIT_USAGE = 64;

import type { Dockerd } from './dockerd.js';
import { buildImage, busyboxImage } from './images.js';

/** The web image's check period in seconds: short, so the tests move fast; the lease TTL is 2 x 2 + 1. */
export const WEB_PERIOD = 2;

/**
 * A busybox httpd on port 80 serving /www/ok, whose HEALTHCHECK fetches that page from a
 * sibling container at the address checker appends. `docker exec NAME rm /www/ok` breaks it,
 * `docker exec NAME sh -c 'echo ok > /www/ok'` repairs it. The shell as PID 1 ends on SIGTERM.
 */
export async function checkerWebImage(dockerd: Dockerd): Promise<string> {
  const check = `#!/bin/sh
page=$(wget -q -O - "http://$1:80/ok" 2>/dev/null) || { echo "no page at http://$1:80/ok"; exit 1; }
[ "$page" = ok ] || { echo "http://$1:80/ok says $page"; exit 1; }
echo "http://$1:80/ok says ok"
`;
  const dockerfile = `FROM ${await busyboxImage(dockerd)}
COPY check.sh /check.sh
RUN mkdir /www && echo ok > /www/ok
ENV HEALTHCHECK=/check.sh HEALTHCHECKPERIOD=${WEB_PERIOD}
EXPOSE 80
CMD ["sh", "-c", "trap 'exit 0' TERM; httpd -f -p 80 -h /www & wait"]
`;
  return buildImage(dockerd, { name: 'checker-web', dockerfile, files: { 'check.sh': { text: check, mode: 0o755 } } });
}

/** A container with no HEALTHCHECK in its environment. */
export async function plainImage(dockerd: Dockerd): Promise<string> {
  const dockerfile = `FROM ${await busyboxImage(dockerd)}
CMD ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]
`;
  return buildImage(dockerd, { name: 'checker-plain', dockerfile });
}

import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, TALLYMAN, TALLYMAN_SH } from './built.js';
import type { Dockerd } from './dockerd.js';
import { requireTool } from './require-tool.js';
import { runCli } from './run-cli.js';
import { tempDir } from './temp-dir.js';

/**
 * Test images built locally (no registry on these machines), each tagged
 * `tallyman-test/NAME:HASH` where HASH covers everything that goes into it, the base image's
 * tag included: an image whose tag exists in the engine's data-root is not built again.
 */
const REPOSITORY = 'tallyman-test';

/** PATH inside the test images: busybox's applets, and node and tallyman in /usr/local/bin. */
const PATH = '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin';

/** A file of a build context: text, or a file of this machine copied with its mode. */
export type ContextFile = { text: string; mode?: number } | { copyOf: string; mode?: number };

export interface ImageSpec {
  /** The repository part after tallyman-test/, e.g. 'db-health'. */
  name: string;
  /** The Dockerfile; FROM names one of the images below (or another built here). */
  dockerfile: string;
  /** The build context: path inside it -> file. */
  files?: Readonly<Record<string, ContextFile>>;
}

/**
 * Builds SPEC with the classic builder unless an image with the same content hash exists;
 * resolves the image's tag. `verify`, when given, runs after a fresh build: if it throws, the
 * image is removed so that a broken build is never found again.
 */
export async function buildImage(dockerd: Dockerd, spec: ImageSpec, verify?: (tag: string) => Promise<void>): Promise<string> {
  const files = spec.files ?? {};
  const hash = createHash('sha256').update(spec.dockerfile);
  for (const path of Object.keys(files).sort()) {
    const file = files[path]!;
    hash.update(`\0${path}\0${modeOf(file)}\0`);
    if ('text' in file) hash.update(file.text);
    else await hashFile(hash, file.copyOf);
  }
  const tag = `${REPOSITORY}/${spec.name}:${hash.digest('hex').slice(0, 16)}`;
  if ((await dockerd.docker(['image', 'inspect', tag])).code === 0) return tag;

  const context = tempDir(`image-${spec.name}`);
  try {
    writeFileSync(context.file('Dockerfile'), spec.dockerfile);
    for (const [path, file] of Object.entries(files)) {
      const target = context.file(path);
      mkdirSync(dirname(target), { recursive: true });
      if ('text' in file) writeFileSync(target, file.text);
      else copyFileSync(realpathSync(file.copyOf), target);
      chmodSync(target, modeOf(file));
    }
    await dockerd.dockerOk(['build', '--quiet', '--tag', tag, context.path]);
  } finally {
    context.remove();
  }
  await verifyOrRemove(dockerd, tag, verify);
  return tag;
}

/**
 * A busybox image from Debian's busybox-static, imported from a rootfs (a dynamically linked
 * busybox would find no libc in it): every applet at its usual path, /tmp, PATH set.
 */
export function busyboxImage(dockerd: Dockerd): Promise<string> {
  return memo(dockerd, 'busybox', async () => {
    const busybox = requireTool('busybox', 'busybox-static');
    if ((await runCli(requireTool('ldd', 'libc-bin'), [busybox])).code === 0) {
      throw new Error(`${busybox} is dynamically linked: install Debian's busybox-static ('npm run setup' as root)`);
    }
    const recipe = `busybox rootfs v1; ENV PATH=${PATH}; CMD ["sh"]\n`;
    const hash = createHash('sha256').update(recipe);
    await hashFile(hash, busybox);
    const tag = `${REPOSITORY}/busybox:${hash.digest('hex').slice(0, 16)}`;
    if ((await dockerd.docker(['image', 'inspect', tag])).code === 0) return tag;

    const work = tempDir('image-busybox');
    try {
      const rootfs = work.file('rootfs');
      mkdirSync(join(rootfs, 'bin'), { recursive: true });
      copyFileSync(realpathSync(busybox), join(rootfs, 'bin', 'busybox'));
      chmodSync(join(rootfs, 'bin', 'busybox'), 0o755);
      const applets = (await runCli(busybox, ['--list-full'])).stdout.toString().split('\n').filter(Boolean);
      for (const applet of applets) {
        const link = join(rootfs, applet);
        if (existsSync(link)) continue;
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync('/bin/busybox', link);
      }
      mkdirSync(join(rootfs, 'tmp'));
      chmodSync(join(rootfs, 'tmp'), 0o1777);
      const tar = work.file('rootfs.tar');
      const packed = await runCli(requireTool('tar', 'tar'), ['-C', rootfs, '--numeric-owner', '--owner=0', '--group=0', '-cf', tar, '.']);
      if (packed.code !== 0) throw new Error(`tar of the busybox rootfs: ${packed.stderr.toString()}`);
      await dockerd.dockerOk(['import', '--change', `ENV PATH=${PATH}`, '--change', 'CMD ["sh"]', tar, tag]);
    } finally {
      work.remove();
    }
    await verifyOrRemove(dockerd, tag, async (t) => expectOutput(dockerd, t, ['sh', '-c', 'echo $PATH'], PATH));
    return tag;
  });
}

/**
 * busybox plus the Node runtime of this test run: the node binary (process.execPath) in
 * /usr/local/bin and the shared libraries `ldd` lists for it, the dynamic loader among them,
 * each at the path ldd names with the content of the file that path resolves to.
 */
export function nodeImage(dockerd: Dockerd): Promise<string> {
  return memo(dockerd, 'node', async () => {
    const files: Record<string, ContextFile> = { 'rootfs/usr/local/bin/node': { copyOf: process.execPath, mode: 0o755 } };
    for (const library of await sharedLibraries(process.execPath)) {
      files[`rootfs${library}`] = { copyOf: library, mode: statSync(realpathSync(library)).mode & 0o777 };
    }
    const dockerfile = `FROM ${await busyboxImage(dockerd)}\nCOPY rootfs/ /\n`;
    return buildImage(dockerd, { name: 'node', dockerfile, files }, (tag) =>
      expectOutput(dockerd, tag, ['node', '-e', 'process.stdout.write(process.version)'], process.version),
    );
  });
}

/** The Node image with dist/tallyman.cjs as /usr/local/bin/tallyman, as the README's Dockerfile does. */
export function tallymanImage(dockerd: Dockerd): Promise<string> {
  return memo(dockerd, 'tallyman', async () => {
    if (!existsSync(TALLYMAN)) throw new Error(`${TALLYMAN} is missing: run 'npm run build'`);
    const version = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;
    const dockerfile = `FROM ${await nodeImage(dockerd)}\nCOPY tallyman /usr/local/bin/tallyman\n`;
    return buildImage(dockerd, { name: 'tallyman', dockerfile, files: { tallyman: { copyOf: TALLYMAN, mode: 0o755 } } }, (tag) =>
      expectOutput(dockerd, tag, ['tallyman', '--version'], `tallyman ${version}`),
    );
  });
}

/** The absolute paths `ldd PROGRAM` lists: libraries and the dynamic loader (not the vDSO). */
export async function sharedLibraries(program: string): Promise<string[]> {
  const r = await runCli(requireTool('ldd', 'libc-bin'), [program]);
  if (r.code !== 0) throw new Error(`ldd ${program}: ${r.stderr.toString().trim()}`);
  // "libm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
  return r.stdout
    .toString()
    .split('\n')
    .map((line) => /(?:=>\s*|^\s*)(\/\S+)\s+\(0x/.exec(line)?.[1])
    .filter((path): path is string => path !== undefined);
}

const modeOf = (file: ContextFile): number => file.mode ?? 0o644;

function hashFile(hash: ReturnType<typeof createHash>, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .once('end', resolve)
      .once('error', reject);
  });
}

async function expectOutput(dockerd: Dockerd, tag: string, command: readonly string[], expected: string): Promise<void> {
  const r = await dockerd.docker(['run', '--rm', '--network', 'none', tag, ...command]);
  const out = r.stdout.toString().trim();
  if (r.code !== 0 || out !== expected) {
    throw new Error(`${tag}: '${command.join(' ')}' gave ${JSON.stringify(out)} (exit ${r.code}), expected ${JSON.stringify(expected)}; stderr: ${r.stderr.toString().trim()}`);
  }
}

async function verifyOrRemove(dockerd: Dockerd, tag: string, verify?: (tag: string) => Promise<void>): Promise<void> {
  if (verify === undefined) return;
  try {
    await verify(tag);
  } catch (error) {
    await dockerd.docker(['image', 'rm', '--force', tag]);
    throw error;
  }
}

/** One build (or cache look-up, which hashes a 100 MB node binary) per engine and process. */
const built = new Map<string, Promise<string>>();
function memo(dockerd: Dockerd, name: string, build: () => Promise<string>): Promise<string> {
  const key = `${dockerd.socket}\0${name}`;
  let tag = built.get(key);
  if (tag === undefined) {
    tag = build();
    built.set(key, tag);
    tag.catch(() => built.delete(key));
  }
  return tag;
}

/**
 * Service DB as a Dockerfile would declare it: tallyman wraps the real check, with no -s (it
 * finds stevedore on its default gateway, port 8990). The container marks itself healthy at
 * start (its check passes while /tmp/ok exists), and ends at once on docker stop's SIGTERM
 * (a shell as PID 1 ignores it otherwise).
 */
export async function dbHealthImage(dockerd: Dockerd): Promise<string> {
  const dockerfile = `FROM ${await tallymanImage(dockerd)}
HEALTHCHECK --interval=1s --timeout=10s CMD tallyman DB sh -c 'test -f /tmp/ok'
CMD ["sh", "-c", "touch /tmp/ok; trap 'exit 0' TERM; sleep 100000 & wait"]
`;
  return buildImage(dockerd, { name: 'db-health', dockerfile });
}

/**
 * busybox plus this machine's bash (with the libraries `ldd` lists) as /bin/bash and /bin/sh,
 * and neither nc nor wget: an image whose only way to the network is bash's /dev/tcp, like
 * the Debian-based images of databases that have bash and no curl. busybox's other applets
 * stay (od, head, tee...), as coreutils would be there.
 */
export function bashImage(dockerd: Dockerd): Promise<string> {
  return memo(dockerd, 'bash', async () => {
    const bash = requireTool('bash', 'bash');
    const files: Record<string, ContextFile> = { 'rootfs/bin/bash': { copyOf: bash, mode: 0o755 } };
    for (const library of await sharedLibraries(bash)) {
      files[`rootfs${library}`] = { copyOf: library, mode: statSync(realpathSync(library)).mode & 0o777 };
    }
    const dockerfile = `FROM ${await busyboxImage(dockerd)}
COPY rootfs/ /
RUN rm /usr/bin/nc /usr/bin/wget && ln -sf /bin/bash /bin/sh
`;
    return buildImage(dockerd, { name: 'bash', dockerfile, files }, (tag) =>
      expectOutput(dockerd, tag, ['sh', '-c', 'command -v curl wget nc; echo "bash ${BASH_VERSINFO[0]}"'], 'bash 5'),
    );
  });
}

/** BASE with dist/tallyman.sh as /usr/local/bin/tallyman.sh, as the README's Dockerfile does. */
export function tallymanShImage(dockerd: Dockerd, base: 'busybox' | 'bash'): Promise<string> {
  return memo(dockerd, `tallyman-sh-${base}`, async () => {
    if (!existsSync(TALLYMAN_SH)) throw new Error(`${TALLYMAN_SH} is missing: run 'npm run build'`);
    const from = base === 'bash' ? await bashImage(dockerd) : await busyboxImage(dockerd);
    const dockerfile = `FROM ${from}\nCOPY tallyman.sh /usr/local/bin/tallyman.sh\n`;
    return buildImage(dockerd, { name: `tallyman-sh-${base}`, dockerfile, files: { 'tallyman.sh': { copyOf: TALLYMAN_SH, mode: 0o755 } } });
  });
}

import { fileURLToPath } from 'node:url';

/** The repository's top directory (tests run from dist/test). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The self-contained tallyman file `npm run build` writes: what containers run. */
export const TALLYMAN = `${ROOT}dist/tallyman.cjs`;

/** tallyman in POSIX sh, for images without Node, as `npm run build` copies it. */
export const TALLYMAN_SH = `${ROOT}dist/tallyman.sh`;

/** The stevedore entry point `npm run build` writes. */
export const STEVEDORE = `${ROOT}dist/src/bin/stevedore.js`;

/** The checker entry point `npm run build` writes. */
export const CHECKER = `${ROOT}dist/src/bin/checker.js`;

import { truncateUtf8 } from './utf8.js';

/** The limit of tallymanInstanceOutput1Line (and of every first line shown), as NET-SNMP-EXTEND-MIB's nsExtendOutput1Line. */
const MAX_BYTES = 255;

/** The first line with something other than white space in it, without reading further. */
const firstLine = (text: string): string | undefined => /[^\r\n]*\S[^\r\n]*/.exec(text)?.[0];

/**
 * The first non-empty line of stdout, or of stderr when stdout has none, without its line end,
 * cut to 255 bytes of UTF-8 before a character that would not fit whole.
 */
export function output1Line(stdout: string, stderr: string): string {
  return truncateUtf8(firstLine(stdout) ?? firstLine(stderr) ?? '', MAX_BYTES).text;
}

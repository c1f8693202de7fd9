/**
 * Where each line of preprocessed text came from. A preprocessor reports it with synclines:
 * GNU m4 -s writes `#line N "FILE"` (FILE omitted when unchanged), cpp writes `# N "FILE" FLAGS`;
 * either says that the next line is line N of FILE. stevedore blanks the synclines (so the
 * text keeps its line numbers) and maps every other line back.
 *
 * m4 emits a syncline only at the start of an output line, so a column, or a line joined by
 * m4_dnl in mid-line, is as the expanded text has it.
 */
import type { SourceLocation } from './config.js';

export interface LineMap {
  /** The place in the source of LINE:COL of the text. */
  locate(line: number, col: number): SourceLocation;
  /** Every file the text came from, in order of first appearance. */
  readonly files: readonly string[];
}

export function identityLineMap(file: string): LineMap {
  return { locate: (line, col) => ({ file, line, col }), files: [file] };
}

const M4_SYNCLINE = /^#line (\d+)(?: "((?:[^"\\]|\\.)*)")?\r?$/;
const CPP_LINEMARKER = /^# (\d+) "((?:[^"\\]|\\.)*)"(?: \d+)*\r?$/;

function syncline(line: string): { line: number; file: string | undefined } | null {
  if (!line.startsWith('#')) return null;
  const match = M4_SYNCLINE.exec(line) ?? CPP_LINEMARKER.exec(line);
  if (!match) return null;
  return { line: Number(match[1]), file: match[2]?.replace(/\\(.)/g, '$1') };
}

/** Blanks the synclines of preprocessed text and maps its lines back to `file` and beyond. */
export function applySynclines(text: string, file: string): { text: string; map: LineMap } {
  const lines = text.split('\n');
  const files = [file];
  const fileIndex = new Map([[file, 0]]);
  const fileOf = new Uint32Array(lines.length + 1);
  const lineOf = new Uint32Array(lines.length + 1);
  let current = 0;
  let next = 1;
  for (let i = 0; i < lines.length; i++) {
    const sync = syncline(lines[i] as string);
    if (sync) {
      if (sync.file !== undefined) {
        let index = fileIndex.get(sync.file);
        if (index === undefined) {
          index = files.length;
          files.push(sync.file);
          fileIndex.set(sync.file, index);
        }
        current = index;
      }
      next = sync.line;
      lines[i] = '';
    }
    fileOf[i + 1] = current;
    lineOf[i + 1] = sync ? next : next++;
  }
  return {
    text: lines.join('\n'),
    map: {
      files,
      locate(line, col) {
        const at = Math.min(Math.max(line, 1), lines.length);
        return { file: files[fileOf[at] as number] as string, line: lineOf[at] as number, col };
      },
    },
  };
}

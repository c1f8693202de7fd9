/** `stevedore --config-help`: every statement, its arguments and default, from the table itself. */
import { STATEMENTS, type Default, type StatementSpec } from './statements.js';

const WIDTH = 100;

function shownDefault(value: Default): string {
  if (value === null) return '';
  if ('shown' in value) return `[${value.shown}]`;
  return `[${value.args.map((a) => (a === '' ? '""' : a)).join(' ')}]`;
}

interface Row {
  usage: string;
  help: string;
  default: string;
}

function rows(table: readonly StatementSpec<unknown>[], indent: string): Row[] {
  return table.flatMap((spec) => {
    const row = { usage: `${indent}${spec.name} ${spec.synopsis};`, help: spec.help, default: shownDefault(spec.default) };
    if (!spec.block) return [row];
    const block = { usage: `${indent}${spec.name} ${spec.synopsis} { ... }`, help: 'the same, with settings of its own:', default: '' };
    return [row, block, ...rows(spec.block.statements as readonly StatementSpec<unknown>[], `${indent}    `)];
  });
}

export function configHelp(): string {
  const all = rows(STATEMENTS as readonly StatementSpec<unknown>[], '');
  const usageWidth = Math.max(...all.map((r) => r.usage.length)) + 2;
  const lines = all.map((r) => {
    const line = `${r.usage.padEnd(usageWidth)}${r.help}`;
    if (r.default === '') return line;
    if (line.length + 1 + r.default.length <= WIDTH) return `${line} ${r.default}`;
    return `${line}\n${' '.repeat(usageWidth)}${r.default}`;
  });
  return [
    'stevedore.conf: statements end with \';\' or a { block }; [default]',
    '',
    ...lines,
    '',
    'DURATION: 30 (seconds), 30s, 5m, 2h, 1d.  SIZE: 512, 4k, 1M.  yes|no: also true|false, on|off.',
    'A relative FILE is relative to the file that names it. Comments: # and // to the end of the',
    'line, /* ... */. The file goes through m4 -P first (m4_define, m4_include) unless stevedore',
    'runs with --no-preprocessor. stevedore --lint checks a file.',
    'docker-checks: a service it finds (IMAGENAME) that no `service` declares is created with the',
    'defaults (the global ttl and expire).',
    '',
  ].join('\n');
}

/** One line of `-On` client output: `.OID = TYPE: VALUE`, the value possibly over several lines. */
export interface Printed {
  oid: string;
  /** 'INTEGER', 'Hex-STRING', 'Counter64'..., or the whole text for exceptions ('No Such Object ...'). */
  type: string;
  value: string;
}

/** Parses what snmpget, snmpwalk and snmpbulkwalk print with -On (and -Ox, -Ot as the test chose). */
export function parsePrinted(stdout: Buffer | string): Printed[] {
  const entries: { oid: string; raw: string }[] = [];
  for (const line of stdout.toString('utf8').split('\n')) {
    const m = /^\.(\d[\d.]*) = (.*)$/.exec(line);
    if (m) entries.push({ oid: m[1] as string, raw: m[2] as string });
    else if (entries.length > 0 && line !== '') (entries[entries.length - 1] as { raw: string }).raw += `\n${line}`;
  }
  return entries.map(({ oid, raw }) => {
    const typed = /^([A-Za-z0-9-]+): ([\s\S]*)$/.exec(raw);
    return typed ? { oid, type: typed[1] as string, value: (typed[2] as string).trim() } : { oid, type: raw.trim(), value: '' };
  });
}

/** The bytes of a Hex-STRING (or a quoted STRING) value. */
export function printedBytes(p: Printed): Buffer {
  if (p.type === 'Hex-STRING') return Buffer.from(p.value.replace(/\s+/g, ''), 'hex');
  if (p.type === 'STRING') return Buffer.from(p.value.replace(/^"|"$/g, ''), 'utf8');
  throw new Error(`${p.oid} is ${p.type}, not a string`);
}

/**
 * A printed value as 'Type:text' with octet strings as hex, so that it compares with what
 * the test expected (see `described`).
 */
export function canonical(p: Printed): string {
  switch (p.type) {
    case 'Hex-STRING':
    case 'STRING':
      return `OctetString:${printedBytes(p).toString('hex')}`;
    case '""':
      return 'OctetString:';
    case 'INTEGER':
      return `Integer:${p.value}`;
    case 'Timeticks':
      return `TimeTicks:${/^\((\d+)\)/.exec(p.value)?.[1]}`;
    case 'OID':
      return `ObjectIdentifier:${p.value.replace(/^\./, '')}`;
    default:
      return `${p.type}:${p.value}`;
  }
}

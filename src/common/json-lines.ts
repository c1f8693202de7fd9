/**
 * A reader of newline-delimited JSON arriving in chunks (Docker's event stream, etcd's watch):
 * feed it text as it comes; each complete line that parses goes to onValue. Blank lines and
 * lines that are not JSON are skipped.
 */
export function jsonLines(onValue: (value: unknown) => void): (chunk: string) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      onValue(value);
    }
  };
}

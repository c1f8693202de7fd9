/** A count and its noun, as a message reads it: "1 service", "2 services", "0 services". */
export function countNoun(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

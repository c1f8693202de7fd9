/**
 * "did you mean": the candidate closest to a misspelt word, if it is close enough to be meant
 * (one or two letters off), or else one that it begins or that begins it ('warning', 'warn').
 */

/** Levenshtein distance: insertions, deletions and substitutions. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

export function closest(word: string, candidates: Iterable<string>): string | null {
  const limit = word.length <= 3 ? 1 : 2;
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best ?? prefixMatch(word.toLowerCase(), candidates);
}

function prefixMatch(word: string, candidates: Iterable<string>): string | null {
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    if (Math.min(c.length, word.length) >= 3 && (c.startsWith(word) || word.startsWith(c))) return candidate;
  }
  return null;
}

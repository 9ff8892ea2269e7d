/**
 * Undo the "defanging" analysts apply so indicators in tickets cannot be clicked
 * (`hxxp://evil[.]com`, `user[at]evil(.)com`, `1.2.3[.]4`).
 * Refanging runs on the whole text before extraction, so every extractor sees plain forms.
 */

// Bracketed forms and defanged schemes; the brackets make them unambiguous. Every alternative starts
// with a bracket or a literal, never an optional space, so the scan skips ordinary text quickly.
const BRACKETED_DEFANG =
  /\b(?:hxxps?|fxps?)(?=\[?:)|\[:\/\/\]|\[:\]|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\[@\]|\(@\)|\{@\}|\[at\]|\(at\)|\{at\}/gi;
const SPACE_OR_TAB = /[ \t]/;

// "evil dot com" is only a hostname when the words chain into labels; the final label must look like a TLD.
const SPOKEN_DOT_HOSTNAME = /(?<![\w-])[a-z0-9][a-z0-9-]*(?:[ \t]+dot[ \t]+[a-z0-9][a-z0-9-]*)+\b/gi;
const SPOKEN_DOT = /[ \t]dot[ \t]/i;
const SPOKEN_DOT_SPLIT = /[ \t]+dot[ \t]+/gi;
const TLD_LIKE = /^[a-z]{2,24}$/i;
// Prose such as "the dot com bubble" must not become the domain "the.com".
const PROSE_WORDS = new Set(['a', 'an', 'the', 'of', 'to', 'in', 'on', 'at', 'by', 'and', 'or', 'is', 'this', 'that', 'with']);

function refangToken(token: string): string {
  const lower = token.toLowerCase();
  if (lower.startsWith('hxxp')) return 'http' + lower.slice(4);
  if (lower.startsWith('fxp')) return 'ftp' + lower.slice(3);
  if (lower === '[://]') return '://';
  if (lower === '[:]') return ':';
  return lower.includes('.') || lower.includes('dot') ? '.' : '@';
}

function refangBracketed(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  for (const match of text.matchAll(BRACKETED_DEFANG)) {
    const replacement = refangToken(match[0]);
    let before = text.slice(copiedUpTo, match.index);
    copiedUpTo = match.index + match[0].length;
    // "evil [.] com", "bob [at] evil.com": the spaces belong to the defang.
    if (replacement === '.' || replacement === '@') {
      if (SPACE_OR_TAB.test(before[before.length - 1] ?? '')) before = before.slice(0, -1);
      if (SPACE_OR_TAB.test(text[copiedUpTo] ?? '')) copiedUpTo += 1;
    }
    out += before + replacement;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

function refangSpokenDots(chain: string): string {
  const labels = chain.split(SPOKEN_DOT_SPLIT);
  const first = labels[0]!.toLowerCase();
  const last = labels[labels.length - 1]!;
  if (PROSE_WORDS.has(first) || !TLD_LIKE.test(last)) return chain;
  return labels.join('.');
}

/** Returns `text` with defanged schemes, dots, colons and at-signs restored. */
export function refang(text: string): string {
  let out = refangBracketed(text);
  if (SPOKEN_DOT.test(out)) out = out.replace(SPOKEN_DOT_HOSTNAME, refangSpokenDots);
  return out;
}

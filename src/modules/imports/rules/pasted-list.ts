/** One address of a pasted list, with the name written before it (`Jean Dupont <jean@exemple.fr>`). */
export interface PastedAddress {
  email: string;
  firstname: string;
  lastname: string;
}

// A `Name <address>` (name quoted or not) or a bare run of characters up to the next separator.
const ENTRY = /(?:"([^"]*)"\s*|([^,;\r\n<>"]*))<([^<>\r\n]*)>|([^\s,;<>"]+)/g;

function named(name: string, email: string): PastedAddress {
  const [firstname = '', ...rest] = name.trim().split(/\s+/).filter(Boolean);
  return { email: email.trim(), firstname, lastname: rest.join(' ') };
}

/**
 * Reads a pasted list of addresses (seed 004 "collez la liste des emails"): one per line or separated by commas,
 * semicolons or spaces, each optionally `Name <address>`. Every entry is kept as written, bad ones included, so
 * the validation step flags them like a file's rows.
 */
export function readPastedList(text: string): PastedAddress[] {
  const entries: PastedAddress[] = [];
  for (const match of text.matchAll(ENTRY)) {
    const [, quoted, unquoted, bracketed, bare] = match;
    if (bare !== undefined) {
      entries.push({ email: bare, firstname: '', lastname: '' });
      continue;
    }
    // Addresses written before the name, space-separated, are entries of their own: `a@x.fr Jean <j@x.fr>`.
    const words = (unquoted ?? '').trim().split(/\s+/).filter(Boolean);
    while (words.length > 0 && words[0].includes('@'))
      entries.push({ email: words.shift()!, firstname: '', lastname: '' });
    entries.push(named(quoted ?? words.join(' '), bracketed));
  }
  return entries;
}

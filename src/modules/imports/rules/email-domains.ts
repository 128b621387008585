import { isEmailSyntaxValid, normalizeEmail } from '../../../common/email';
import type { Finding } from './finding';
import { editDistance } from './text-distance';

/** Webmail and ISP domains most French contact files hold, then the big international ones and their country variants. */
const COMMON_DOMAINS = [
  'gmail.com',
  'hotmail.fr',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'yahoo.fr',
  'laposte.net',
  'sfr.fr',
  'outlook.fr',
  'live.fr',
  'neuf.fr',
  'bbox.fr',
  'icloud.com',
  'hotmail.com',
  'outlook.com',
  'live.com',
  'yahoo.com',
  'msn.com',
  'me.com',
  'mac.com',
  'aol.com',
  'aol.fr',
  'gmx.fr',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'gmx.at',
  'gmx.ch',
  'protonmail.com',
  'protonmail.ch',
  'proton.me',
  'pm.me',
  'numericable.fr',
  'club-internet.fr',
  'aliceadsl.fr',
  'alice.fr',
  'cegetel.net',
  'noos.fr',
  'voila.fr',
  'nordnet.fr',
  'ymail.com',
  'googlemail.com',
  'mail.com',
  'email.com',
  'tutanota.com',
  'zoho.com',
  'yandex.com',
  'yandex.ru',
  'mail.ru',
  'web.de',
  't-online.de',
  'skynet.be',
  'bluewin.ch',
  'videotron.ca',
  'sympatico.ca',
  'hotmail.be',
  'hotmail.de',
  'hotmail.it',
  'hotmail.es',
  'hotmail.ch',
  'hotmail.co.uk',
  'live.be',
  'live.de',
  'live.it',
  'live.ca',
  'live.co.uk',
  'outlook.be',
  'outlook.de',
  'outlook.it',
  'outlook.es',
  'yahoo.be',
  'yahoo.de',
  'yahoo.it',
  'yahoo.es',
  'yahoo.ca',
  'yahoo.co.uk',
];

const DISPOSABLE_DOMAINS = [
  'yopmail.com',
  'yopmail.fr',
  'yopmail.net',
  'mailinator.com',
  'guerrillamail.com',
  'guerrillamail.net',
  'guerrillamailblock.com',
  'sharklasers.com',
  'grr.la',
  '10minutemail.com',
  '10minutemail.net',
  'trashmail.com',
  'trashmail.fr',
  'jetable.org',
  'tempmail.com',
  'tempmail.net',
  'temp-mail.org',
  'tempmailo.com',
  'throwawaymail.com',
  'getnada.com',
  'maildrop.cc',
  'dispostable.com',
  'mailnesia.com',
  'mohmal.com',
  'emailondeck.com',
  'fakeinbox.com',
  'spambog.com',
  'mytrashmail.com',
];

const COMMON = new Set(COMMON_DOMAINS);
const DISPOSABLE = new Set(DISPOSABLE_DOMAINS);

/** Endings that are no top-level domain at all, only slips of the finger on the usual ones. */
const TLD_TYPOS = new Map([
  ['con', 'com'],
  ['cmo', 'com'],
  ['ocm', 'com'],
  ['cpm', 'com'],
  ['vom', 'com'],
  ['xom', 'com'],
  ['comm', 'com'],
  ['fe', 'fr'],
  ['ft', 'fr'],
  ['frr', 'fr'],
  ['ffr', 'fr'],
  ['rf', 'fr'],
  ['nte', 'net'],
  ['ent', 'net'],
  ['ner', 'net'],
]);

// Gmail only gives out @gmail.com addresses (and the older @googlemail.com): an @gmail.fr address is a French slip.
const WRONG_DOMAINS = new Map([['gmail.fr', 'gmail.com']]);

const clean = (domain: string) => domain.trim().toLowerCase();

export function isCommonDomain(domain: string): boolean {
  return COMMON.has(clean(domain));
}

export function isDisposableDomain(domain: string): boolean {
  return DISPOSABLE.has(clean(domain));
}

function splitAtFirstDot(domain: string): [name: string, suffix: string] {
  const dot = domain.indexOf('.');
  return dot < 0 ? [domain, ''] : [domain.slice(0, dot), domain.slice(dot + 1)];
}

function fixTld(domain: string): string {
  const dot = domain.lastIndexOf('.');
  const fixed = dot < 0 ? undefined : TLD_TYPOS.get(domain.slice(dot + 1));
  return fixed ? `${domain.slice(0, dot)}.${fixed}` : domain;
}

/** The most edits a slip may take (in a name of 7 letters or more). */
const MAX_SLIP_EDITS = 2;

/**
 * Whether `domain` is one slip away from the common `candidate`. An edit in the ending may not
 * swap one two-letter country code for another (hotmail.be is real); an edit in the name needs
 * a name of 4+ letters (aon.com is not a typo of aol.com) and may take two edits from 7 letters.
 */
function isSlipOf(domain: string, candidate: string, distance: number): boolean {
  const [name, suffix] = splitAtFirstDot(domain);
  const [candidateName, candidateSuffix] = splitAtFirstDot(candidate);
  if (name === candidateName) return distance === 1 && !(suffix.length === 2 && candidateSuffix.length === 2);
  if (suffix === candidateSuffix)
    return candidateName.length >= 4 && distance <= (candidateName.length >= 7 ? MAX_SLIP_EDITS : 1);
  return false;
}

function nearestCommonDomain(domain: string): string | undefined {
  let best: { domain: string; distance: number } | undefined;
  for (const candidate of COMMON_DOMAINS) {
    // The distance is at least the difference in length: most candidates need no computing.
    if (Math.abs(domain.length - candidate.length) > MAX_SLIP_EDITS) continue;
    const distance = editDistance(domain, candidate);
    if ((!best || distance < best.distance) && isSlipOf(domain, candidate, distance))
      best = { domain: candidate, distance };
  }
  return best?.domain;
}

/** Domains already judged, with their suggestion (bounded: a file of all-different domains starts it over). */
const suggestions = new Map<string, string | undefined>();
const SUGGESTIONS_KEPT = 10_000;

/**
 * The domain a user most likely meant when `domain` looks like a typo of a common mailbox domain
 * (`gmial.com` → `gmail.com`, `laposte.ne` → `laposte.net`) or ends in an impossible TLD
 * (`kiween.con` → `kiween.com`). Undefined for a common or disposable domain and for anything
 * not close enough to guess.
 */
export function suggestDomainFix(domain: string): string | undefined {
  const typed = clean(domain);
  if (suggestions.has(typed)) return suggestions.get(typed);
  // A file repeats its domains (a company's own on every row): each is judged once per thread.
  if (suggestions.size >= SUGGESTIONS_KEPT) suggestions.clear();
  const suggestion = suggestFix(typed);
  suggestions.set(typed, suggestion);
  return suggestion;
}

function suggestFix(typed: string): string | undefined {
  if (COMMON.has(typed) || DISPOSABLE.has(typed)) return undefined;
  const tldFixed = fixTld(typed);
  if (COMMON.has(tldFixed)) return tldFixed;
  const fix = WRONG_DOMAINS.get(tldFixed) ?? nearestCommonDomain(tldFixed);
  if (fix) return fix;
  return tldFixed === typed ? undefined : tldFixed;
}

/** Usual slips that break the syntax: a doubled @, a comma for a dot, spaces, a trailing dot. */
function repairSyntax(email: string): string | undefined {
  const repaired = email
    .replace(/\s+/g, '')
    .replace(/@+/g, '@')
    .replace(/,/g, '.')
    .replace(/\.{2,}/g, '.')
    .replace(/\.$/, '');
  if (repaired === email || !isEmailSyntaxValid(repaired)) return undefined;
  const at = repaired.lastIndexOf('@');
  const domainFix = suggestDomainFix(repaired.slice(at + 1));
  return domainFix ? `${repaired.slice(0, at + 1)}${domainFix}` : repaired;
}

function syntaxFinding(raw: string, email: string): Finding {
  const suggestion = repairSyntax(email);
  const hint = suggestion ? `did you mean ${suggestion}? ` : '';
  return {
    code: 'email.syntax',
    severity: 'error',
    message: `"${raw.trim()}" is not a valid email address; ${hint}correct it or the row will not be imported.`,
    ...(suggestion ? { suggestion } : {}),
  };
}

function domainFinding(email: string): Finding | undefined {
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  const fix = suggestDomainFix(domain);
  if (fix) {
    const suggestion = `${email.slice(0, at + 1)}${fix}`;
    const message = `The domain "${domain}" looks like a typo of "${fix}"; use ${suggestion} if that is the address meant.`;
    return { code: 'email.domain_typo', severity: 'warning', message, suggestion };
  }
  if (isDisposableDomain(domain)) {
    const message = `"${domain}" is a disposable email service whose addresses expire quickly; ask the contact for a lasting address.`;
    return { code: 'email.disposable', severity: 'warning', message };
  }
  if (!isCommonDomain(domain)) {
    const message = `The domain "${domain}" is not a common mailbox provider; check that it is spelled correctly.`;
    return { code: 'email.domain_uncommon', severity: 'warning', message };
  }
  return undefined;
}

/**
 * Checks one email cell (SPEC §5). An empty cell yields no finding: a missing key is the row's
 * concern. `email` is the normalised address, present whenever its syntax is valid; a typo
 * suggestion is only offered, the address is imported as written unless the user accepts it.
 */
export function checkEmail(raw: string): { email?: string; findings: Finding[] } {
  const email = normalizeEmail(raw);
  if (email === '') return { findings: [] };
  if (!isEmailSyntaxValid(email)) return { findings: [syntaxFinding(raw, email)] };
  const finding = domainFinding(email);
  return { email, findings: finding ? [finding] : [] };
}

import { luhnValid } from './card.ts';

/**
 * Finding card numbers (PANs) in text, for the "no card numbers, ever" promise. Pure: the
 * adapters feed it database values and file bytes, and it answers with offsets and a masked form.
 * A match never carries the number itself, so nothing downstream can log it by mistake.
 *
 * What counts as a card number:
 * - 13 to 19 digits, written together or in card-shaped groups separated by one space or one
 *   dash: groups of four with a shorter last group (4242 4242 4242 4242, 4222-2222-2222-2), or
 *   Amex/Diners style 4-6-5 and 4-6-4. Other groupings (UUIDs are 8-4-4-4-12, dates 4-2-2) are
 *   not card-shaped.
 * - The digits pass Luhn and start with a card network's prefix at a length that network issues.
 *   The prefix rule is what keeps 13-digit millisecond timestamps (17…, 18…) out.
 * - The run is not part of a longer number or a word: a contiguous digit string is never split
 *   (16 digits inside a 25-digit number do not count), a run touching a letter does not count
 *   (hex hashes and tokens), and a run joined to digits by a dot is a decimal, not a card.
 */

export type CardNetwork = 'visa' | 'mastercard' | 'amex' | 'discover' | 'jcb' | 'diners' | 'unionpay' | 'maestro';

export interface PanMatch {
  /** Offset of the first digit, in the text as fed (characters; bytes for latin1-decoded files). */
  start: number;
  /** Offset just past the last digit. */
  end: number;
  network: CardNetwork;
  /** First six and last four digits, the middle as '*'. */
  masked: string;
}

export const PAN_MIN_DIGITS = 13;
export const PAN_MAX_DIGITS = 19;

interface NetworkRule {
  network: CardNetwork;
  /** Inclusive ranges over a prefix of the given width, e.g. ['2221', '2720']. */
  prefixes: [string, string][];
  lengths: number[];
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Order matters only where ranges overlap: the specific networks come before Maestro's wide 5x/6x. */
const NETWORKS: NetworkRule[] = [
  { network: 'visa', prefixes: [['4', '4']], lengths: [13, 16, 19] },
  { network: 'mastercard', prefixes: [['51', '55'], ['2221', '2720']], lengths: [16] },
  { network: 'amex', prefixes: [['34', '34'], ['37', '37']], lengths: [15] },
  { network: 'discover', prefixes: [['6011', '6011'], ['644', '649'], ['65', '65']], lengths: range(16, 19) },
  { network: 'jcb', prefixes: [['3528', '3589']], lengths: range(16, 19) },
  { network: 'diners', prefixes: [['300', '305'], ['36', '36'], ['38', '39']], lengths: range(14, 19) },
  { network: 'unionpay', prefixes: [['62', '62']], lengths: range(16, 19) },
  { network: 'maestro', prefixes: [['50', '50'], ['56', '69']], lengths: range(12, 19) },
];

/** The network whose prefix and length fit these digits, or null. */
export function cardNetwork(digits: string): CardNetwork | null {
  if (!/^\d+$/.test(digits)) return null;
  for (const rule of NETWORKS) {
    if (!rule.lengths.includes(digits.length)) continue;
    const fits = rule.prefixes.some(([from, to]) => {
      const head = digits.slice(0, from.length);
      return head.length === from.length && head >= from && head <= to;
    });
    if (fits) return rule.network;
  }
  return null;
}

/** A card number as it may be shown: first 6 and last 4 digits, the middle as '*'. */
export function maskCardNumber(digits: string): string {
  if (digits.length <= 10) return '*'.repeat(digits.length);
  return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`;
}

/** Digits that are a card number: a network's prefix and length, and Luhn. */
export function isCardNumber(digits: string): boolean {
  return digits.length >= PAN_MIN_DIGITS && digits.length <= PAN_MAX_DIGITS && cardNetwork(digits) !== null && luhnValid(digits);
}

/** Separated groups that look like a card written out: 4-4-…-(1 to 4), or 4-6-5 / 4-6-4. */
function cardShaped(sizes: number[]): boolean {
  if (sizes.length === 1) return true;
  const last = sizes[sizes.length - 1]!;
  if (sizes.slice(0, -1).every((s) => s === 4) && last >= 1 && last <= 4) return true;
  return sizes.length === 3 && sizes[0] === 4 && sizes[1] === 6 && (last === 4 || last === 5);
}

interface Group {
  start: number;
  end: number;
  /** The digits, or null once the group is longer than any card number (never part of one). */
  digits: string | null;
}

/** What a character means to a run of digits. */
const Kind = { Digit: 0, Separator: 1, Letter: 2, Dot: 3, Other: 4 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

function kindOf(code: number): Kind {
  if (code >= 48 && code <= 57) return Kind.Digit;
  if (code === 32 || code === 45) return Kind.Separator;
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return Kind.Letter;
  if (code === 46) return Kind.Dot;
  return Kind.Other;
}

/**
 * A streaming card-number finder: feed text in pieces of any size (a file read in chunks, one
 * database value at a time), and each piece returns the matches completed so far, with offsets
 * counted from the start of everything fed. `end()` flushes the last run.
 */
export class PanFinder {
  private offset = 0;
  private groups: Group[] = [];
  /** The run's first digit follows a letter, or a digit and a dot: its first group starts nothing. */
  private blockedStart = false;
  /** A separator seen after the last group, not yet followed by a digit. */
  private pendingSeparator = false;
  /** The run ended at a dot; whether it is a decimal depends on the next character. */
  private endedAtDot = false;
  private previous: Kind = Kind.Other;
  private beforePrevious: Kind = Kind.Other;

  feed(text: string): PanMatch[] {
    const out: PanMatch[] = [];
    for (let i = 0; i < text.length; i++) {
      const kind = kindOf(text.charCodeAt(i));
      const at = this.offset + i;
      if (this.endedAtDot) {
        this.endedAtDot = false;
        this.finishRun(kind === Kind.Digit, out);
      }
      if (kind === Kind.Digit) this.digit(text[i]!, at);
      else if (this.groups.length > 0) this.nonDigit(kind, out);
      this.beforePrevious = this.previous;
      this.previous = kind;
    }
    this.offset += text.length;
    return out;
  }

  end(): PanMatch[] {
    const out: PanMatch[] = [];
    this.endedAtDot = false;
    this.finishRun(false, out);
    return out;
  }

  private digit(ch: string, at: number): void {
    const last = this.groups[this.groups.length - 1];
    if (last && this.previous === Kind.Digit) {
      last.end = at + 1;
      if (last.digits !== null) last.digits = last.digits.length < PAN_MAX_DIGITS ? last.digits + ch : null;
      return;
    }
    if (last && this.pendingSeparator) {
      this.pendingSeparator = false;
      this.groups.push({ start: at, end: at + 1, digits: ch });
      return;
    }
    // A new run. What came just before decides whether its first group may start a card number.
    this.groups = [{ start: at, end: at + 1, digits: ch }];
    this.pendingSeparator = false;
    this.blockedStart = this.previous === Kind.Letter || (this.previous === Kind.Dot && this.beforePrevious === Kind.Digit);
  }

  private nonDigit(kind: Kind, out: PanMatch[]): void {
    if (kind === Kind.Separator && this.previous === Kind.Digit) {
      this.pendingSeparator = true;
      return;
    }
    if (this.pendingSeparator) {
      // Two separators in a row, or a separator then anything else: the run ended before the separator.
      this.finishRun(false, out);
      return;
    }
    if (kind === Kind.Dot) {
      this.endedAtDot = true;
      return;
    }
    this.finishRun(kind === Kind.Letter, out);
  }

  /** Judge the finished run: the longest card number starting at each group, left to right, never overlapping. */
  private finishRun(blockedEnd: boolean, out: PanMatch[]): void {
    const groups = this.groups;
    this.groups = [];
    this.pendingSeparator = false;
    for (let i = 0; i < groups.length; ) {
      const match = i === 0 && this.blockedStart ? null : this.longestMatchFrom(groups, i, blockedEnd);
      if (match) {
        out.push(match.pan);
        i = match.next;
      } else {
        i++;
      }
    }
  }

  private longestMatchFrom(groups: Group[], i: number, blockedEnd: boolean): { pan: PanMatch; next: number } | null {
    // The windows starting at group i, shortest first, as far as 19 digits go.
    const windows: { j: number; digits: string }[] = [];
    let digits = '';
    for (let j = i; j < groups.length; j++) {
      const d = groups[j]!.digits;
      if (d === null || digits.length + d.length > PAN_MAX_DIGITS) break;
      digits += d;
      windows.push({ j, digits });
    }
    for (const { j, digits: candidate } of windows.reverse()) {
      if (candidate.length < PAN_MIN_DIGITS) continue;
      if (j === groups.length - 1 && blockedEnd) continue;
      if (!cardShaped(groups.slice(i, j + 1).map((g) => g.digits!.length))) continue;
      const network = cardNetwork(candidate);
      if (!network || !luhnValid(candidate)) continue;
      return { pan: { start: groups[i]!.start, end: groups[j]!.end, network, masked: maskCardNumber(candidate) }, next: j + 1 };
    }
    return null;
  }
}

/** Every card number in one piece of text. */
export function findCardNumbers(text: string): PanMatch[] {
  const finder = new PanFinder();
  return [...finder.feed(text), ...finder.end()];
}

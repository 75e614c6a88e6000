/** Luhn check over a string of digits (spaces and dashes already removed). */
export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function normaliseCardNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

/** A card whose "MM/YY" expiry is this month or later is not expired. */
export function cardExpiryValid(mmyy: string, now: Date): boolean {
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(mmyy);
  if (!m) return false;
  const month = Number(m[1]);
  const year = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  if (month < 1 || month > 12) return false;
  return year * 12 + (month - 1) >= now.getUTCFullYear() * 12 + now.getUTCMonth();
}

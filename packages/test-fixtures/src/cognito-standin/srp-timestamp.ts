// TIMESTAMP in PASSWORD_VERIFIER / DEVICE_PASSWORD_VERIFIER answers: `Tue Nov 4 09:03:07 UTC 2025`, the
// format of Java's `EEE MMM d HH:mm:ss z yyyy` in UTC that AWS's SRP clients send (amazon-cognito-identity-js
// DateHelper). Parsed by hand, no RegExp: the value comes from the caller.

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function digits(text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined || text.length < min || text.length > max) return undefined;
  for (const ch of text) if (ch < '0' || ch > '9') return undefined;
  return Number(text);
}

/** Milliseconds since the epoch, or undefined when the text is not exactly that format (weekday included). */
export function parseSrpTimestamp(text: string): number | undefined {
  if (text.length > 40) return undefined;
  const parts = text.split(' ');
  if (parts.length !== 6 || parts[4] !== 'UTC') return undefined;
  const [weekday, monthName, dayText, clock, , yearText] = parts;
  const month = MONTHS.indexOf(monthName ?? '');
  const day = digits(dayText, 1, 2);
  const year = digits(yearText, 4, 4);
  const hms = (clock ?? '').split(':');
  const [h, m, s] = hms.map((p) => digits(p, 2, 2));
  if (month < 0 || day === undefined || year === undefined || hms.length !== 3) return undefined;
  if (h === undefined || m === undefined || s === undefined || h > 23 || m > 59 || s > 59) return undefined;
  const ms = Date.UTC(year, month, day, h, m, s);
  const date = new Date(ms);
  if (date.getUTCDate() !== day || WEEKDAYS[date.getUTCDay()] !== weekday) return undefined;
  return ms;
}

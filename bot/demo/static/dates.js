// Dates as Slack shows them: `<!date^…>` tokens and message times, in the reader's time
// zone. Baton writes deadlines as `<!date^…>` precisely so a rep in Tokyo and a manager
// elsewhere each see their own clock; the demo must show that, so the current person's
// `tz` is used (Intl does the conversion; no date library is needed).

/** Calendar parts of `date` in `tz`: {year, month, day} as numbers. */
function dayParts(date, tz) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: tz, year: "numeric", month: "numeric", day: "numeric",
  }).formatToParts(date);
  const get = (type) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day") };
}

/** Whole days from today to `date`, both in `tz` (0 today, -1 yesterday, 1 tomorrow). */
export function daysFromToday(date, tz, now = new Date()) {
  const a = dayParts(now, tz);
  const b = dayParts(date, tz);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86400000);
}

function ordinal(day) {
  const tens = day % 100;
  if (tens >= 11 && tens <= 13) return `${day}th`;
  return `${day}${{ 1: "st", 2: "nd", 3: "rd" }[day % 10] ?? "th"}`;
}

function fmt(date, tz, locale, options) {
  return new Intl.DateTimeFormat(locale === "ja" ? "ja-JP" : "en-US", { timeZone: tz, ...options }).format(date);
}

/** "February 18th, 2014" / "2014年2月18日" (and the long/short variants). */
function calendarDate(date, tz, locale, style) {
  if (style === "num") {
    const { year, month, day } = dayParts(date, tz);
    return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  }
  if (locale === "ja") {
    const options = { year: "numeric", month: "long", day: "numeric" };
    if (style === "long") options.weekday = "long";
    return fmt(date, tz, locale, options);
  }
  const { year, day } = dayParts(date, tz);
  const month = fmt(date, tz, locale, { month: style === "short" ? "short" : "long" });
  const text = `${month} ${style === "short" ? day : ordinal(day)}, ${year}`;
  return style === "long" ? `${fmt(date, tz, locale, { weekday: "long" })}, ${text}` : text;
}

/** "Today" / "今日" for -1…1 days away, else null. */
function relativeDay(date, tz, locale) {
  const days = daysFromToday(date, tz);
  if (Math.abs(days) > 1) return null;
  const word = new Intl.RelativeTimeFormat(locale === "ja" ? "ja-JP" : "en-US", { numeric: "auto" }).format(days, "day");
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** "6:39 AM" (English) / "6:39" (Japanese), optionally with seconds. */
export function clockTime(date, tz, locale, seconds = false) {
  const options = { hour: "numeric", minute: "2-digit", hour12: locale !== "ja" };
  if (seconds) options.second = "2-digit";
  return fmt(date, tz, locale, options);
}

function ago(date, locale) {
  const seconds = Math.round((date.getTime() - Date.now()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale === "ja" ? "ja-JP" : "en-US", { numeric: "auto" });
  const units = [["day", 86400], ["hour", 3600], ["minute", 60]];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.trunc(seconds / size), unit);
  }
  return rtf.format(0, "second"); // "now" / "今"
}

/**
 * Slack's date tokens ({date_num}, {date}, {date_short}, {date_long}, the `_pretty`
 * variants, {time}, {time_secs}, {ago}) filled in for `epochSeconds` in `tz`.
 * Returns null when the date or time zone is unusable, so the caller shows the fallback.
 */
export function formatSlackDate(epochSeconds, format, { tz, locale }) {
  if (!Number.isFinite(epochSeconds)) return null;
  const date = new Date(epochSeconds * 1000);
  try {
    return String(format).replace(/\{(\w+)\}/g, (whole, token) => {
      switch (token) {
        case "date_num": return calendarDate(date, tz, locale, "num");
        case "date": return calendarDate(date, tz, locale, "full");
        case "date_short": return calendarDate(date, tz, locale, "short");
        case "date_long": return calendarDate(date, tz, locale, "long");
        case "date_pretty": return relativeDay(date, tz, locale) ?? calendarDate(date, tz, locale, "full");
        case "date_short_pretty": return relativeDay(date, tz, locale) ?? calendarDate(date, tz, locale, "short");
        case "date_long_pretty": return relativeDay(date, tz, locale) ?? calendarDate(date, tz, locale, "long");
        case "time": return clockTime(date, tz, locale);
        case "time_secs": return clockTime(date, tz, locale, true);
        case "ago": return ago(date, locale);
        default: return whole;
      }
    });
  } catch (error) {
    // An unknown time zone makes Intl throw a RangeError: fall back to Slack's fallback text.
    console.warn("date", error);
    return null;
  }
}

/** A message's Slack ts ("1764750000.000100") as a Date. */
export function tsToDate(ts) {
  return new Date(Number.parseFloat(ts) * 1000);
}

/**
 * The METHOD an iCalendar text declares (REQUEST, CANCEL, PUBLISH...), upper-cased. The media
 * type of an HTTP answer and of an email part must say the same (RFC 5545 8.1), so both read
 * it from the text itself. Apart from ical.ts so the HTTP layer need not bundle the generator.
 */
export const calendarMethod = (ics: string): string | undefined =>
  /^METHOD:(.*)$/im.exec(ics)?.[1]?.trim().toUpperCase();

// A minimal iCalendar (RFC 5545) event for a deadline, attached to invitations and reminders.

const escapeText = (text: string) => text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
const utcStamp = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/**
 * Calendars replace an event they hold only with a higher SEQUENCE for the same UID. Every email
 * about a request carries the deadline as it stands when sent, so seconds since a fixed epoch
 * make a sequence that only grows (and fits the 32-bit integer calendars expect until 2094).
 */
const SEQUENCE_EPOCH = Date.UTC(2026, 0, 1);
const sequenceOf = (stamp: Date) => Math.max(0, Math.floor((stamp.getTime() - SEQUENCE_EPOCH) / 1000));

/** Lines longer than 75 octets are folded with CRLF and a space, as RFC 5545 requires. */
function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + (start === 0 ? 75 : 74), bytes.length);
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end -= 1; // never split a UTF-8 character
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
  }
  return parts.join('\r\n ');
}

export interface DeadlineEvent {
  /** Stable per request, so a reminder's attachment updates the same calendar entry. */
  uid: string;
  summary: string;
  description: string;
  deadline: Date;
  stamp: Date;
}

/** The deadline as a calendar event. It never carries the approval link: calendars are shared. */
export function deadlineIcs(e: DeadlineEvent): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//k2flow//deadlines//EN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `DTSTAMP:${utcStamp(e.stamp)}`,
    `SEQUENCE:${sequenceOf(e.stamp)}`,
    `DTSTART:${utcStamp(e.deadline)}`,
    `DTEND:${utcStamp(e.deadline)}`,
    `SUMMARY:${escapeText(e.summary)}`,
    `DESCRIPTION:${escapeText(e.description)}`,
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    'TRIGGER:-P1D',
    `DESCRIPTION:${escapeText(e.summary)}`,
    'END:VALARM',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

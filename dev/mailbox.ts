import { simpleParser } from 'mailparser';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  id: string;
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments: Array<{ filename: string; contentType: string; content: string }>;
  date: Date;
}

export interface Mailbox {
  list(): ReceivedMail[];
  get(id: string): ReceivedMail | undefined;
}

export interface RunningMailbox extends Mailbox {
  port: number;
  smtpUrl: string;
  /** Resolves with the messages to `to` (those matching `which`) once `count` of them have arrived. */
  waitFor(to: string, count?: number, timeoutMs?: number, which?: (mail: ReceivedMail) => boolean): Promise<ReceivedMail[]>;
  /** Calls `listener` with every message that arrives from now on; returns the way to stop. */
  onMail(listener: (mail: ReceivedMail) => void): () => void;
  close(): Promise<void>;
}

/**
 * A real SMTP server, in-process, that keeps what it receives in memory: the development
 * mailbox of `npm start` and the mail sink of the integration tests.
 */
export async function startMailbox({ port = 0, host = '127.0.0.1' } = {}): Promise<RunningMailbox> {
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const listeners = new Set<(mail: ReceivedMail) => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    banner: 'k2flow development mailbox',
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const arrived: ReceivedMail = {
            id: randomUUID(),
            messageId: mail.messageId ?? '',
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            attachments: mail.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, content: a.content.toString('utf8') })),
            date: new Date(),
          };
          received.push(arrived);
          listeners.forEach((listener) => listener(arrived));
          waiters.forEach((wake) => wake());
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.server.address() as AddressInfo).port;

  const to = (address: string, which: (mail: ReceivedMail) => boolean = () => true) =>
    received.filter((m) => m.to.includes(address.toLowerCase()) && which(m));
  return {
    port: actualPort,
    smtpUrl: `smtp://${host}:${actualPort}`,
    list: () => [...received].reverse(),
    get: (id) => received.find((m) => m.id === id),
    waitFor(address, count = 1, timeoutMs = 15_000, which) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const mails = to(address, which);
          if (mails.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(mails);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Expected ${count} email(s) to ${address} within ${timeoutMs} ms, got ${to(address, which).length}.`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    onMail(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

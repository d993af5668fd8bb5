import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Stable per logical message, so a duplicate delivery can be recognised by any mail client. */
  messageId: string;
  attachments?: Array<{ filename: string; content: string; contentType: string }>;
}

export interface Mailer {
  /** The message as it goes on the wire (RFC 5322 with its MIME parts), composed once. */
  compose(email: OutgoingEmail): Promise<Buffer>;
  /** Sends composed bytes as they are, to `to`. */
  sendRaw(to: string, raw: Buffer): Promise<void>;
  /** Connects, greets and logs in on a connection of its own, then quits: whether sending can work now. */
  verify(): Promise<void>;
  close(): void;
}

/** SMTP connections a mailer keeps open; the outbox relay sends at most this many messages at once. */
export const SMTP_CONNECTIONS = 5;

/**
 * The nodemailer SMTP implementation; the transport is created here, never at import time. It
 * keeps a few connections open and reuses them (a connection per message cost a TCP and SMTP
 * handshake each), and bounds every wait so that a silent server fails a send well within the
 * outbox relay's claim (mail/outbox-relay.ts, CLAIM_MS).
 */
export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: SMTP_CONNECTIONS, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return {
    compose: (email) => new MailComposer({ from, ...email, headers: { 'Auto-Submitted': 'auto-generated' } }).compile().build(),
    async sendRaw(to, raw) {
      await transport.sendMail({ envelope: { from, to }, raw });
    },
    async verify() {
      await transport.verify();
    },
    close: () => transport.close(),
  };
}

import type { ReceivedMail, RunningMailbox } from '../dev/mailbox';

const linkPattern = /https?:\/\/\S+\/approvals\/\S+/;

/**
 * Hands each approval link arriving in the development mailbox to whoever waits for mail to its
 * recipient, once per link. The mailbox is read every `everyMs` (it offers no arrival event to
 * many waiters at once without scanning every message for each of them).
 */
export function watchApprovalLinks(mailbox: RunningMailbox, everyMs = 10) {
  const recipients = new Map<string, (link: string, mail: ReceivedMail) => void>();
  const handed = new Set<string>();
  let seen = 0;
  const poll = () => {
    const newestFirst = mailbox.list();
    const fresh = newestFirst.slice(0, newestFirst.length - seen).reverse();
    seen = newestFirst.length;
    for (const mail of fresh) {
      const link = linkPattern.exec(mail.text)?.[0];
      if (!link || handed.has(link)) continue;
      const to = mail.to.map((address) => recipients.get(address)).find((r) => r !== undefined);
      if (!to) continue;
      handed.add(link);
      to(link, mail);
    }
  };
  const timer = setInterval(poll, everyMs);
  return {
    /** Calls `onLink` for every new link mailed to `address` until `forget`. */
    watch(address: string, onLink: (link: string, mail: ReceivedMail) => void) {
      recipients.set(address.toLowerCase(), onLink);
    },
    forget(address: string) {
      recipients.delete(address.toLowerCase());
    },
    stop() {
      clearInterval(timer);
    },
  };
}

export type LinkWatcher = ReturnType<typeof watchApprovalLinks>;

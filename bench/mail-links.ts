import type { ReceivedMail, RunningMailbox } from '../dev/mailbox';

const linkPattern = /https?:\/\/\S+\/approvals\/\S+/;

/** Hands each approval link arriving in the development mailbox to whoever waits for mail to its recipient, once per link. */
export function watchApprovalLinks(mailbox: RunningMailbox) {
  const recipients = new Map<string, (link: string, mail: ReceivedMail) => void>();
  const handed = new Set<string>();
  const stop = mailbox.onMail((mail) => {
    const link = linkPattern.exec(mail.text)?.[0];
    if (!link || handed.has(link)) return;
    const to = mail.to.map((address) => recipients.get(address)).find((r) => r !== undefined);
    if (!to) return;
    handed.add(link);
    to(link, mail);
  });
  return {
    /** Calls `onLink` for every new link mailed to `address` until `forget`. */
    watch(address: string, onLink: (link: string, mail: ReceivedMail) => void) {
      recipients.set(address.toLowerCase(), onLink);
    },
    forget(address: string) {
      recipients.delete(address.toLowerCase());
    },
    stop,
  };
}

export type LinkWatcher = ReturnType<typeof watchApprovalLinks>;

import type { Lang } from '../mail/html';

/** A size as people read it: bytes, kB or MB, in the reader's language. */
export const sizeText = (bytes: number, lang: Lang) => {
  const number = (n: number) => n.toLocaleString(lang === 'pl' ? 'pl-PL' : 'en-GB', { maximumFractionDigits: 1 });
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${number(bytes / 1024)} kB` : `${number(bytes / 1024 / 1024)} MB`;
};

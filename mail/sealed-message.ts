import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The outbox keeps each message exactly as first composed, so a retried send is the same email
 * (same bytes, same approval link). An approval link is a credential and the database keeps
 * credentials only as hashes, so the stored message is sealed: AES-256-GCM under a key derived
 * from K2FLOW_AUTH_SECRET, which the database never holds. Layout: iv (12) | tag (16) | ciphertext.
 */
export function outboxKeyFrom(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'k2flow outbox message v1', 32));
}

export function sealMessage(key: Buffer, raw: Buffer): Uint8Array<ArrayBuffer> {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(raw), cipher.final()]);
  // A plain Uint8Array over its own ArrayBuffer, as Prisma's Bytes columns take.
  return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), sealed]));
}

/** The message as composed; throws when the key is not the one it was sealed with, or the bytes were altered. */
export function openMessage(key: Buffer, sealed: Uint8Array): Buffer {
  const bytes = Buffer.from(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
}

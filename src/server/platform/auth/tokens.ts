import { createHash, randomBytes } from 'node:crypto';

/** Random secrets are given to the client once; only their SHA-256 is stored. */
export function newSecret(prefix: string): { secret: string; hash: string } {
  const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { secret, hash: sha256(secret) };
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

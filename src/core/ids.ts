/** A canonical UUID (any version), as the database's `uuid` columns hold them. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True when `s` can be a row id. Routes test path ids with it before querying: a malformed id is simply not
 * found (404), never a database error (PostgreSQL rejects a bad uuid literal with 22P02).
 */
export function isUuid(s: string): boolean {
  return UUID_PATTERN.test(s);
}

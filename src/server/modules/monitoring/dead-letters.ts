import { sql } from 'kysely';
import type { Executor } from '../../platform/db/client.js';

const DAY = 86_400_000;
/** Rows deleted per statement: keeps each transaction short when a gateway flooded the table. */
const DELETE_CHUNK = 10_000;

export interface DeadLetterPurge {
  /** Dead letters received before this instant were deleted. */
  cutoff: string;
  deleted: number;
}

/**
 * Deletes the dead letters received more than `retentionDays` before `asOf`, in chunks of 10,000 rows (each its
 * own statement, so a flooded table never holds a long lock). Idempotent: a second run for the same `asOf`
 * finds nothing to delete. Rows received after the cutoff — including those "from the future" relative to an
 * `asOf` in the past — are never touched.
 */
export async function purgeDeadLetters(db: Executor, asOf: Date, retentionDays: number): Promise<DeadLetterPurge> {
  const cutoff = new Date(asOf.getTime() - retentionDays * DAY);
  let deleted = 0;
  for (;;) {
    const r = await sql`
      delete from monitoring_dead_letters where id in (
        select id from monitoring_dead_letters where received_at < ${cutoff} order by received_at limit ${DELETE_CHUNK}
      )`.execute(db);
    const n = Number(r.numAffectedRows ?? 0);
    deleted += n;
    if (n < DELETE_CHUNK) break;
  }
  return { cutoff: cutoff.toISOString(), deleted };
}

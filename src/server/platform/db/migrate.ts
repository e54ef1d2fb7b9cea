import { type Kysely, type Migration as KyselyMigration, Migrator, sql } from 'kysely';
import { m0001 } from './migrations/0001_foundation.js';
import { m0002 } from './migrations/0002_enterprises.js';
import { m0003 } from './migrations/0003_hazards.js';
import { m0004 } from './migrations/0004_supervision.js';
import { m0005 } from './migrations/0005_monitoring.js';
import { m0006 } from './migrations/0006_plans.js';
import { m0009 } from './migrations/0009_enterprise_search.js';
import { m0010 } from './migrations/0010_hazard_search.js';
import { m0011 } from './migrations/0011_enterprise_short_search.js';
import { m0012 } from './migrations/0012_hazard_figures.js';
import { m0014 } from './migrations/0014_plan_visit_inspection.js';
import { m0015 } from './migrations/0015_summons_attendees.js';
import { m0016 } from './migrations/0016_enterprise_region_level2.js';
import { m0017 } from './migrations/0017_hazard_region.js';
import { m0018 } from './migrations/0018_rollup_watermark.js';
import { m0019 } from './migrations/0019_enterprise_region_path_id.js';
import { m0020 } from './migrations/0020_hazard_village.js';
import { m0021 } from './migrations/0021_point_state_text.js';

/** A forward-only migration: SQL statements run in order inside Kysely's migration transaction. */
export interface Migration {
  name: string;
  statements: string[];
}

export const MIGRATIONS: Migration[] = [
  m0001,
  m0002,
  m0003,
  m0004,
  m0005,
  m0006,
  m0009,
  m0010,
  m0011,
  m0012,
  m0014,
  m0015,
  m0016,
  m0017,
  m0018,
  m0019,
  m0020,
  m0021,
];

/**
 * Applies pending migrations. Kysely's Migrator takes a PostgreSQL advisory lock for the whole run, so two
 * instances starting together migrate once: the second waits, then finds nothing to do.
 */
export async function migrate(db: Kysely<unknown>): Promise<{ applied: string[]; schemaVersion: string }> {
  const migrator = new Migrator({
    db,
    allowUnorderedMigrations: false,
    provider: {
      async getMigrations() {
        const out: Record<string, KyselyMigration> = {};
        for (const m of MIGRATIONS) {
          out[m.name] = {
            async up(trx) {
              for (const statement of m.statements) await sql.raw(statement).execute(trx);
            },
          };
        }
        return out;
      },
    },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  return { applied, schemaVersion: MIGRATIONS.at(-1)?.name ?? 'none' };
}

export async function schemaVersion(db: Kysely<unknown>): Promise<string> {
  const r = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db);
  return r.rows[0]?.name ?? 'none';
}

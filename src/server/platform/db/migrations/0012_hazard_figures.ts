import type { Migration } from '../migrate.js';

/**
 * Pre-aggregated hazard figures (docs/hazards.md "Scale"): the dashboard's found / closed / rejected / open /
 * overdue-once / major counts, days to close and the monthly trend, kept per small cell so that
 * `GET /api/hazards/stats` sums a few thousand rows instead of aggregating up to 1,000,000 hazards.
 *
 * Tables (every count is a number of hazards):
 * - `hazard_figures`: per (village path, set of supervising departments, level) — the enterprise's
 *   `region_path` and `department_ids` — with a column per status bucket (found, closed, rejected, open, overdue
 *   once, rectifying and overdue once, closed with a closing time and the sum of their days to close), for totals
 *   and the groups by township and department under the county, a township or village, or a department (the
 *   scope is a condition on the cell's path / departments); ~14,000 rows at 1,000,000 hazards;
 * - `hazard_figures_enterprise`: the same per (enterprise, level) — one enterprise's figures, groups by
 *   enterprise;
 * - `hazard_trend_region` / `_department` / `_enterprise`: hazards found and closed per local month
 *   (Asia/Shanghai), per village / department / enterprise (a hazard counts under each of its enterprise's
 *   departments) and level.
 *
 * They are kept by triggers, in the transaction of the write, whoever writes (the hazard services, the
 * escalation job, another module, SQL by hand): an insert, update or delete of a hazard subtracts the old row's
 * contribution and adds the new one's (net per key, applied in key order so that two transitions in the same cell
 * cannot deadlock; an update touching none of the counted columns does nothing); a change of an enterprise's
 * region or departments moves its hazards' contributions to the new cells. `fx_hazard_figures_rebuild()` computes
 * every table from scratch (after a bulk load with triggers off, or to check; `jobs:run hazards.figures-rebuild`).
 *
 * Also the list's indexes (below) and a statement trigger announcing hazard writes to the list's count cache.
 *
 * "Overdue now" depends on the day, so it is not stored: the escalation job sets `ever_overdue` within the hour a
 * deadline passes, and the live remainder (rectifying hazards past their deadline not yet marked, and marked
 * ones given a later deadline since) is read from the two small partial indexes below.
 */

/** Each statement sums the contributions `c` (old row −1, new row +1) per key and applies the non-zero ones in key order. */
const contributions = `
  select -1 as s, o_rp as rp, o_dep as dep, o.enterprise_id as eid, o.level as level, o.status as status,
         o.ever_overdue::int as eo, o.found_at as found_at,
         case when o.status = 'closed' then o.closed_at end as closed_at
  where o.id is not null
  union all
  select 1, n_rp, n_dep, n.enterprise_id, n.level, n.status, n.ever_overdue::int, n.found_at,
         case when n.status = 'closed' then n.closed_at end
  where n.id is not null`;

const OPEN = `('reported','rectifying','submitted','verified')`;
/** The stored counts of a set of contributions `c` (each hazard ±1), column by column. */
const FIGURES: [column: string, sum: string][] = [
  ['found', 'sum(c.s)::int'],
  ['closed', `sum(c.s * (c.status = 'closed')::int)::int`],
  ['rejected', `sum(c.s * (c.status = 'rejected')::int)::int`],
  ['open', `sum(c.s * (c.status in ${OPEN})::int)::int`],
  ['ever_overdue', 'sum(c.s * c.eo)::int'],
  ['rectifying_marked', `sum(c.s * c.eo * (c.status = 'rectifying')::int)::int`],
  ['closed_timed', 'sum(c.s * (c.closed_at is not null)::int)::int'],
  ['close_seconds', 'coalesce(sum(c.s * extract(epoch from c.closed_at - c.found_at)), 0)'],
];
const figureColumns = FIGURES.map(([col]) => col).join(', ');
const figureSums = FIGURES.map(([, sum]) => sum).join(', ');
const figureNonZero = FIGURES.map(([, sum]) => `${sum} <> 0`).join(' or ');
const figureUpdate = FIGURES.map(([col]) => `${col} = f.${col} + excluded.${col}`).join(', ');
/** A hazard counts as found in its found month and, once closed, as closed in its closing month. */
const months = `cross join lateral (values (fx_local_month(c.found_at), 1, 0), (fx_local_month(c.closed_at), 0, 1)) as m(month, found, closed)`;
const trendUpdate = `found = t.found + excluded.found, closed = t.closed + excluded.closed`;

/** Raw-table sources for the rebuild (the same definitions as the triggers'). */
const rawContrib = `select 1 as s, e.region_path as rp, e.department_ids as dep, h.enterprise_id as eid, h.level, h.status,
    h.ever_overdue::int as eo, h.found_at, case when h.status = 'closed' then h.closed_at end as closed_at
  from hazards h join enterprises e on e.id = h.enterprise_id`;

export const m0012: Migration = {
  name: '0012_hazard_figures',
  statements: [
    `create function fx_local_month(t timestamptz) returns date language sql stable parallel safe as $$
      select date_trunc('month', t at time zone 'Asia/Shanghai')::date
    $$`,
    `create table hazard_figures (
      region_path text not null,
      department_ids uuid[] not null,
      level text not null,
      found int not null default 0,
      closed int not null default 0,
      rejected int not null default 0,
      open int not null default 0,
      ever_overdue int not null default 0,
      rectifying_marked int not null default 0,
      closed_timed int not null default 0,
      close_seconds numeric not null default 0,
      primary key (region_path, department_ids, level)
    )`,
    `create table hazard_figures_enterprise (
      enterprise_id uuid not null references enterprises(id),
      level text not null,
      found int not null default 0,
      closed int not null default 0,
      rejected int not null default 0,
      open int not null default 0,
      ever_overdue int not null default 0,
      rectifying_marked int not null default 0,
      closed_timed int not null default 0,
      close_seconds numeric not null default 0,
      primary key (enterprise_id, level)
    )`,
    `create table hazard_trend_region (
      region_path text not null, level text not null, month date not null,
      found int not null default 0, closed int not null default 0,
      primary key (region_path, level, month)
    )`,
    `create table hazard_trend_department (
      department_id uuid not null, level text not null, month date not null,
      found int not null default 0, closed int not null default 0,
      primary key (department_id, level, month)
    )`,
    `create table hazard_trend_enterprise (
      enterprise_id uuid not null references enterprises(id), level text not null, month date not null,
      found int not null default 0, closed int not null default 0,
      primary key (enterprise_id, level, month)
    )`,
    `create function fx_hazard_figures_delta(o hazards, o_rp text, o_dep uuid[], n hazards, n_rp text, n_dep uuid[])
    returns void language plpgsql as $$
    begin
      insert into hazard_figures as f (region_path, department_ids, level, ${figureColumns})
      select c.rp, c.dep, c.level, ${figureSums}
      from (${contributions}) c
      group by 1, 2, 3 having ${figureNonZero} order by 1, 2, 3
      on conflict (region_path, department_ids, level) do update set ${figureUpdate};

      insert into hazard_figures_enterprise as f (enterprise_id, level, ${figureColumns})
      select c.eid, c.level, ${figureSums}
      from (${contributions}) c
      group by 1, 2 having ${figureNonZero} order by 1, 2
      on conflict (enterprise_id, level) do update set ${figureUpdate};

      insert into hazard_trend_region as t (region_path, level, month, found, closed)
      select c.rp, c.level, m.month, sum(c.s * m.found), sum(c.s * m.closed)
      from (${contributions}) c ${months}
      where m.month is not null
      group by 1, 2, 3 having sum(c.s * m.found) <> 0 or sum(c.s * m.closed) <> 0 order by 1, 2, 3
      on conflict (region_path, level, month) do update set ${trendUpdate};

      insert into hazard_trend_department as t (department_id, level, month, found, closed)
      select d.id, c.level, m.month, sum(c.s * m.found), sum(c.s * m.closed)
      from (${contributions}) c cross join unnest(c.dep) as d(id) ${months}
      where m.month is not null
      group by 1, 2, 3 having sum(c.s * m.found) <> 0 or sum(c.s * m.closed) <> 0 order by 1, 2, 3
      on conflict (department_id, level, month) do update set ${trendUpdate};

      insert into hazard_trend_enterprise as t (enterprise_id, level, month, found, closed)
      select c.eid, c.level, m.month, sum(c.s * m.found), sum(c.s * m.closed)
      from (${contributions}) c ${months}
      where m.month is not null
      group by 1, 2, 3 having sum(c.s * m.found) <> 0 or sum(c.s * m.closed) <> 0 order by 1, 2, 3
      on conflict (enterprise_id, level, month) do update set ${trendUpdate};
    end $$`,
    `create function fx_hazards_figures_trigger() returns trigger language plpgsql as $$
    declare
      o hazards; n hazards; o_rp text; o_dep uuid[]; n_rp text; n_dep uuid[];
    begin
      if tg_op <> 'INSERT' then
        o := old;
        select region_path, department_ids into o_rp, o_dep from enterprises where id = old.enterprise_id;
      end if;
      if tg_op <> 'DELETE' then
        n := new;
        select region_path, department_ids into n_rp, n_dep from enterprises where id = new.enterprise_id;
      end if;
      perform fx_hazard_figures_delta(o, o_rp, o_dep, n, n_rp, n_dep);
      return null;
    end $$`,
    `create trigger hazards_figures_insert_delete after insert or delete on hazards
      for each row execute function fx_hazards_figures_trigger()`,
    // Only updates of a counted column: edits of texts, plans, files and versions cost nothing here.
    `create trigger hazards_figures_update after update on hazards for each row
      when ((old.enterprise_id, old.level, old.status, old.found_at, old.closed_at, old.ever_overdue)
            is distinct from (new.enterprise_id, new.level, new.status, new.found_at, new.closed_at, new.ever_overdue))
      execute function fx_hazards_figures_trigger()`,
    `create function fx_enterprises_figures_trigger() returns trigger language plpgsql as $$
    declare h hazards;
    begin
      for h in select * from hazards where enterprise_id = new.id order by id loop
        perform fx_hazard_figures_delta(h, old.region_path, old.department_ids, h, new.region_path, new.department_ids);
      end loop;
      return null;
    end $$`,
    `create trigger enterprises_figures after update on enterprises for each row
      when (old.region_path is distinct from new.region_path or old.department_ids is distinct from new.department_ids)
      execute function fx_enterprises_figures_trigger()`,
    `create function fx_hazard_figures_rebuild() returns void language plpgsql as $$
    begin
      -- Writers wait (readers do not) while the tables are recomputed, so the result matches the raw rows.
      lock table hazards, enterprises in share mode;
      delete from hazard_figures;
      delete from hazard_figures_enterprise;
      delete from hazard_trend_region;
      delete from hazard_trend_department;
      delete from hazard_trend_enterprise;
      insert into hazard_figures (region_path, department_ids, level, ${figureColumns})
      select c.rp, c.dep, c.level, ${figureSums} from (${rawContrib}) c group by 1, 2, 3;
      insert into hazard_figures_enterprise (enterprise_id, level, ${figureColumns})
      select c.eid, c.level, ${figureSums} from (${rawContrib}) c group by 1, 2;
      insert into hazard_trend_region (region_path, level, month, found, closed)
      select c.rp, c.level, m.month, sum(m.found), sum(m.closed) from (${rawContrib}) c ${months}
      where m.month is not null group by 1, 2, 3;
      insert into hazard_trend_department (department_id, level, month, found, closed)
      select d.id, c.level, m.month, sum(m.found), sum(m.closed)
      from (${rawContrib}) c cross join unnest(c.dep) as d(id) ${months}
      where m.month is not null group by 1, 2, 3;
      insert into hazard_trend_enterprise (enterprise_id, level, month, found, closed)
      select c.eid, c.level, m.month, sum(m.found), sum(m.closed) from (${rawContrib}) c ${months}
      where m.month is not null group by 1, 2, 3;
    end $$`,
    `select fx_hazard_figures_rebuild()`,
    // The list's totals are kept a few seconds (count cache, topic "hazards"). Any write to hazards, by any path,
    // announces itself on the event bus's channel (bus.ts: fangxian_events) once per transaction, at commit, so
    // every instance drops them.
    `create function fx_hazards_counts_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('fangxian_events', '{"userIds":[],"type":"counts.changed","data":"hazards"}');
      return null;
    end $$`,
    `create trigger hazards_counts_changed after insert or update or delete on hazards
      for each statement execute function fx_hazards_counts_changed()`,
    `create trigger enterprises_counts_changed after update on enterprises for each row
      when (old.region_path is distinct from new.region_path or old.department_ids is distinct from new.department_ids)
      execute function fx_hazards_counts_changed()`,
    // "Overdue now" beside the stored figures: rectifying hazards past their deadline that the escalation job has
    // not marked yet, and marked ones whose deadline was moved later — both few.
    `create index hazards_rectifying_unmarked on hazards(deadline) where status = 'rectifying' and not ever_overdue`,
    `create index hazards_rectifying_marked on hazards(deadline) where status = 'rectifying' and ever_overdue`,
    // The list (hazards.repo.ts newestPage): the newest-first walk reads (created_at, id, enterprise_id) from the
    // index alone and fetches only the page's rows; the partial ones serve `status=rectifying` / `overdue` and
    // `level=major` (deadline carried for the overdue test) without walking every hazard.
    `create index hazards_created_enterprise on hazards(created_at desc, id desc) include (enterprise_id)`,
    `drop index hazards_created`,
    `create index hazards_rectifying_created on hazards(created_at desc, id desc) include (enterprise_id, deadline)
      where status = 'rectifying'`,
    `create index hazards_major_created on hazards(created_at desc, id desc) include (enterprise_id) where level = 'major'`,
    // Sector and found-date filters (the ledger's commonest after status): the count reads the index alone.
    `create index hazards_sector_found on hazards(sector, found_at) include (enterprise_id)`,
  ],
};

import { daysBetween, localDate } from '../../../core/hazards/index.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { Executor } from '../../platform/db/client.js';
import { actionsFor, mayEditHazard } from './hazards.policy.js';
import { fileRows, findHazard, type HazardRow, type HazardWithEnterprise } from './hazards.repo.js';

export function presentHazard(h: HazardRow, now: Date) {
  const today = localDate(now);
  const open = ['reported', 'rectifying', 'submitted', 'verified'].includes(h.status);
  return {
    id: h.id,
    code: h.code,
    enterpriseId: h.enterprise_id,
    place: h.place,
    sector: h.sector,
    category: h.category,
    level: h.level,
    path: h.path,
    status: h.status,
    description: h.description,
    source: h.source,
    finderSide: h.finder_side,
    finderId: h.finder_id,
    finderName: h.finder_name,
    foundAt: h.found_at,
    catalogItemCode: h.catalog_item_code,
    majorBasis: h.major_basis,
    rectification: {
      measures: h.rectification_measures,
      responsiblePerson: h.responsible_person,
      funds: h.rectification_funds,
      deadline: h.deadline,
    },
    deadline: h.deadline,
    daysLeft: h.deadline && open ? daysBetween(today, h.deadline) : null,
    overdue: h.status === 'rectifying' && h.deadline !== null && h.deadline < today,
    everOverdue: h.ever_overdue,
    extension: {
      requested: h.extension_requested,
      pending: h.pending_extension,
      requestedDeadline: h.requested_deadline,
      reason: h.extension_reason,
    },
    plan: h.plan,
    interimMeasures: h.interim_measures,
    submission: { at: h.submitted_at, note: h.submission_note },
    verification: {
      verifierId: h.verifier_id,
      verifierName: h.verifier_name,
      opinion: h.verify_opinion,
      at: h.verified_at,
    },
    closedAt: h.closed_at,
    closedByName: h.closed_by_name,
    rejectedReason: h.rejected_reason,
    reportId: h.report_id,
    campaignId: h.campaign_id,
    campaignTaskId: h.campaign_task_id,
    createdAt: h.created_at,
    updatedAt: h.updated_at,
    version: h.version,
  };
}

/** The full record for GET /api/hazards/:id: fields, files, what the caller may do, ladder, listings, history. */
export async function hazardDetail(db: Executor, actor: Actor, id: string, now: Date) {
  const h = await findHazard(db, actor, id);
  if (!h) return undefined;
  return detailOf(db, actor, h, now);
}

export async function detailOf(db: Executor, actor: Actor, h: HazardWithEnterprise, now: Date) {
  const township = h.enterprise_region_path.split('/').filter(Boolean)[1] ?? null;
  const [files, events, escalations, listings, summons, catalogItem, documents, townshipRow] = await Promise.all([
    fileRows(db, [...h.photo_file_ids, ...h.document_file_ids, ...h.evidence_file_ids]),
    db
      .selectFrom('hazard_events')
      .select(['id', 'at', 'actor_id', 'actor_name', 'actor_role', 'action', 'from_status', 'to_status', 'data'])
      .where('hazard_id', '=', h.id)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('hazard_escalations')
      .select(['step', 'step_key', 'due_at', 'fired_at'])
      .where('hazard_id', '=', h.id)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('hazard_listings')
      .leftJoin('hazard_cards', 'hazard_cards.listing_id', 'hazard_listings.id')
      .select([
        'hazard_listings.id',
        'hazard_listings.code',
        'hazard_listings.reason',
        'hazard_listings.status',
        'hazard_listings.hazard_id',
        'hazard_listings.listed_at',
        'hazard_listings.public',
        'hazard_cards.color as card_color',
        'hazard_cards.status as card_status',
      ])
      .where('hazard_listings.enterprise_id', '=', h.enterprise_id)
      .where((eb) => eb.or([eb('hazard_listings.hazard_id', '=', h.id), eb('hazard_listings.status', '=', 'active')]))
      .orderBy('hazard_listings.listed_at', 'desc')
      .execute(),
    db
      .selectFrom('hazard_summons')
      .select(['id', 'status', 'created_at', 'held_at', 'note', 'attendees', 'version'])
      .where('hazard_id', '=', h.id)
      .orderBy('created_at')
      .execute(),
    h.catalog_item_code
      ? db
          .selectFrom('hazard_catalog_items')
          .select(['code', 'catalog', 'text_zh', 'text_en', 'basis'])
          .where('code', '=', h.catalog_item_code)
          .executeTakeFirst()
      : undefined,
    db
      .selectFrom('hazard_documents')
      .select(['id', 'kind', 'number', 'issuer_unit', 'issued_by_name', 'created_at'])
      .where('hazard_id', '=', h.id)
      .orderBy('created_at')
      .execute(),
    township
      ? db.selectFrom('regions').select(['code', 'name']).where('code', '=', township).executeTakeFirst()
      : undefined,
  ]);
  const byId = new Map(files.map((f) => [f.id, f]));
  const pick = (ids: string[]) => ids.map((x) => byId.get(x)).filter((f) => f !== undefined);
  return {
    ...presentHazard(h, now),
    enterprise: {
      id: h.enterprise_id,
      code: h.enterprise_code,
      name: h.enterprise_name,
      regionCode: h.enterprise_region_code,
      township: townshipRow ?? null,
      departmentIds: h.enterprise_department_ids,
      principalName: h.enterprise_principal_name,
      address: h.enterprise_address,
    },
    catalogItem: catalogItem ?? null,
    photos: pick(h.photo_file_ids),
    documents: pick(h.document_file_ids),
    evidence: pick(h.evidence_file_ids),
    allowedActions: actionsFor(h, actor),
    editable: mayEditHazard(h, actor),
    escalations: escalations.map((e) => ({ step: e.step, key: e.step_key, at: e.fired_at, dueAt: e.due_at })),
    listings: listings.map((l) => ({
      id: l.id,
      code: l.code,
      reason: l.reason,
      status: l.status,
      hazardId: l.hazard_id,
      listedAt: l.listed_at,
      public: l.public,
      card: l.card_color ? { color: l.card_color, status: l.card_status } : null,
    })),
    summons: summons.map((s) => ({
      id: s.id,
      status: s.status,
      createdAt: s.created_at,
      heldAt: s.held_at,
      note: s.note,
      attendees: s.attendees,
      version: s.version,
    })),
    issuedDocuments: documents.map((d) => ({
      id: d.id,
      kind: d.kind,
      number: d.number,
      issuerUnit: d.issuer_unit,
      issuedBy: d.issued_by_name,
      at: d.created_at,
    })),
    history: events.map((e) => ({
      id: e.id,
      at: e.at,
      actorId: e.actor_id,
      actorName: e.actor_name,
      actorRole: e.actor_role,
      action: e.action,
      from: e.from_status,
      to: e.to_status,
      data: e.data,
    })),
  };
}

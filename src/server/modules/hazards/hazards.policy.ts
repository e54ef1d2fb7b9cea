import {
  allowedActions,
  type HazardAction,
  type HazardWorkflowContext,
  isOpenHazardStatus,
} from '../../../core/hazards/index.js';
import { can } from '../../../core/roles.js';
import type { Actor } from '../../platform/authz/actor.js';
import { scopeKind } from '../../platform/authz/actor.js';
import type { HazardRow } from './hazards.repo.js';

type WorkflowFields = Pick<
  HazardRow,
  'status' | 'deadline' | 'extension_requested' | 'pending_extension' | 'level' | 'path' | 'enterprise_id'
>;

/**
 * The workflow context of an actor on a hazard they can see (the caller already applied the scope, so a
 * non-enterprise actor who sees the hazard supervises its enterprise: sector department, township, county).
 */
export function workflowContext(h: WorkflowFields, actor: Actor): HazardWorkflowContext {
  const kind = scopeKind(actor);
  return {
    status: h.status,
    deadline: h.deadline,
    extensionRequestedForCurrentDeadline: h.extension_requested,
    pendingExtension: h.pending_extension,
    level: h.level,
    path: h.path,
    actorRole: actor.role,
    actorIsOwnEnterprise: kind === 'enterprise' && actor.enterpriseId === h.enterprise_id,
    actorIsSupervisor: kind !== 'enterprise',
  };
}

/** The buttons the web app shows this actor on this hazard. */
export function actionsFor(h: WorkflowFields, actor: Actor): HazardAction[] {
  return allowedActions(workflowContext(h, actor));
}

/**
 * Whether this actor may edit the descriptive and rectification fields (`PATCH /api/hazards/:id`) of a hazard they
 * can see: a role that records hazards, while the hazard is open (reported … verified), and for an enterprise user
 * only a hazard of their own enterprise. `updateHazard` enforces it; the detail sends it as `editable`.
 */
export function mayEditHazard(h: Pick<HazardRow, 'status' | 'enterprise_id'>, actor: Actor): boolean {
  if (!can(actor.role, 'hazard.create') || !isOpenHazardStatus(h.status)) return false;
  return scopeKind(actor) !== 'enterprise' || actor.enterpriseId === h.enterprise_id;
}

/** Roles that issue enforcement documents (责令限期整改指令书, 整改复查意见书). */
export const DOCUMENT_ISSUERS: readonly string[] = ['county_admin', 'dept_officer', 'town_officer'];

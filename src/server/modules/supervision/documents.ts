/**
 * Enforcement documents of an inspection (RULES §10): 现场检查记录 (安全生产法 §67) and, when hazards were found,
 * 责令限期整改指令书 (安全生产法 §65(三)). Numbers are issued once per inspection and kind; the rectification order
 * shares the hazard module's `ZG-<year>` sequence and format so the county has one series of 责改 numbers.
 */
import { Document, Packer } from 'docx';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { localDate } from '../../../core/hazards/index.js';
import {
  checkInspectionTransition,
  INSPECTION_KIND_LABELS,
  type InspectionStatus,
} from '../../../core/supervision/index.js';
import { audit } from '../../platform/audit/audit.js';
import { requirePermission } from '../../platform/authz/actor.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import { nextSequence } from '../../platform/db/sequences.js';
import { DOCX_MIME, dateZh, docxKit, localStamp, sendDownload } from '../../platform/documents/docx.js';
import { notFound } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf, type RequestCtx } from '../../platform/http/context.js';
import type { Platform } from '../../platform/platform.js';
import { inspectionDetail } from './inspections.read.js';
import { DECISION_KIND_ZH, lockInspection } from './inspections.service.js';
import { forbiddenAction, illegal, isOrganiser } from './shared.js';

const { para, table } = docxKit({ body: 24, cell: 20, indent: 480 });

const RESULT_ZH = { compliant: '符合', not_compliant: '不符合', not_applicable: '不适用' } as const;
const LEVEL_ZH = { general: '一般隐患', major: '重大隐患' } as const;

type Detail = NonNullable<Awaited<ReturnType<typeof inspectionDetail>>>;

export async function siteRecordDocx(d: Detail, number: string, issuer: string): Promise<Buffer> {
  const rows = d.checklist.flatMap((t) =>
    t.items.map((it) => [
      t.departmentName ?? t.title,
      it.text,
      it.answer ? RESULT_ZH[it.answer.result] : '未检查',
      [it.answer?.note ?? '', it.answer?.hazardCode ? `隐患 ${it.answer.hazardCode}` : ''].filter(Boolean).join('；'),
    ]),
  );
  const kind = INSPECTION_KIND_LABELS[d.kind].zh;
  const doc = new Document({
    creator: 'Fangxian 防线',
    title: '现场检查记录',
    sections: [
      {
        children: [
          para(issuer, { align: 'center', size: 32 }),
          para('现场检查记录', { align: 'center', bold: true, size: 44 }),
          para(number, { align: 'center' }),
          para(`被检查单位：${d.enterpriseName}`),
          para(`检查编号：${d.code}　检查类别：${kind}${d.unannounced ? '（四不两直）' : ''}`),
          para(`检查时间：${localStamp(d.startedAt)} 至 ${localStamp(d.endedAt)}`),
          para(`检查部门：${d.departmentNames.filter(Boolean).join('、') || issuer}`),
          para(`检查人员：${d.inspectorNames.filter(Boolean).join('、')}`),
          ...(d.exemptionReason ? [para(`检查事由：${d.exemptionReason}`)] : []),
          para('检查情况：', { bold: true }),
          table(['检查表', '检查项目', '结果', '说明'], rows),
          para(
            `共检查 ${d.counts.compliant + d.counts.notCompliant + d.counts.notApplicable} 项：符合 ${d.counts.compliant} 项，不符合 ${d.counts.notCompliant} 项，不适用 ${d.counts.notApplicable} 项。`,
            { indent: true },
          ),
          ...(d.quizzes.length
            ? [
                para('逢查必考：', { bold: true }),
                ...d.quizzes.map((q) =>
                  para(
                    `${q.personName}：${q.score === null ? '未完成' : `${q.score} 分（合格线 ${q.passMark} 分），${q.passed ? '合格' : '不合格'}`}`,
                    { indent: true },
                  ),
                ),
              ]
            : []),
          ...(d.decisions.length
            ? [
                para('处理决定：', { bold: true }),
                ...d.decisions.map((x) =>
                  para(
                    `${x.number} ${DECISION_KIND_ZH[x.kind as keyof typeof DECISION_KIND_ZH] ?? x.kind}${x.fineYuan ? ` ${x.fineYuan} 元` : ''}；依据：${x.legalBasis}`,
                    { indent: true },
                  ),
                ),
              ]
            : []),
          ...(d.summary ? [para(`检查结论：${d.summary}`, { indent: true })] : []),
          ...d.signatures.map((s) =>
            para(
              `${s.role === 'inspector' ? '检查人员' : '被检查单位现场负责人'}（签名）：${s.name}　${localStamp(s.at)}`,
            ),
          ),
          para(`${issuer}（印章）`, { align: 'right' }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

export async function rectificationOrderDocx(
  d: Detail,
  number: string,
  issuer: string,
  items: { code: string; place: string; description: string; level: 'general' | 'major'; deadline: string | null }[],
): Promise<Buffer> {
  const deadlines = items
    .map((i) => i.deadline)
    .filter((x): x is string => x !== null)
    .sort();
  const last = deadlines.at(-1) ?? null;
  const doc = new Document({
    creator: 'Fangxian 防线',
    title: '责令限期整改指令书',
    sections: [
      {
        children: [
          para(issuer, { align: 'center', size: 32 }),
          para('责令限期整改指令书', { align: 'center', bold: true, size: 44 }),
          para(number, { align: 'center' }),
          para(`${d.enterpriseName}：`),
          para(`经${localStamp(d.startedAt).slice(0, 10)}现场检查（${d.code}），你单位存在下列问题：`, {
            indent: true,
          }),
          table(
            ['序号', '隐患编号', '隐患部位', '隐患描述', '隐患级别', '整改期限'],
            items.map((it, n) => [
              String(n + 1),
              it.code,
              it.place,
              it.description,
              LEVEL_ZH[it.level],
              it.deadline ?? '按治理方案',
            ]),
          ),
          para(
            last
              ? `现责令你单位对上述问题于${dateZh(last)}（${last}）前（各项以表列期限为准）整改完毕，达到有关法律法规规章和标准规定的要求，并将整改情况书面报告本机关。`
              : '现责令你单位对上述问题按照重大事故隐患治理方案限期整改完毕，并将整改情况书面报告本机关。',
            { indent: true },
          ),
          para('整改期间，你单位应当采取有效措施，确保安全生产。对重大事故隐患，应当制定并落实治理方案。', {
            indent: true,
          }),
          para(
            '如果不服本指令，可以依法在60日内向上一级人民政府或者有关部门申请行政复议，或者在6个月内依法向人民法院提起行政诉讼，但本指令不停止执行，法律另有规定的除外。',
            { indent: true },
          ),
          para('被检查单位负责人（签名）：                    年    月    日'),
          para(`检查人员（签名）：${d.inspectorNames.filter(Boolean).join('、')}`),
          para(`${issuer}（印章）`, { align: 'right' }),
          para(dateZh(localDate(new Date())), { align: 'right' }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** Name of the unit that issues: the first participating department, the township, or the county office. */
async function issuerUnit(db: Executor, departmentIds: string[], townCode: string | null, actorDeptId: string | null) {
  const deptId = actorDeptId && departmentIds.includes(actorDeptId) ? actorDeptId : departmentIds[0];
  if (deptId) {
    const d = await db.selectFrom('departments').select('name_zh').where('id', '=', deptId).executeTakeFirst();
    if (d) return d.name_zh;
  }
  if (townCode) {
    const t = await db.selectFrom('regions').select('name').where('code', '=', townCode).executeTakeFirst();
    if (t) return `${t.name}人民政府`;
  }
  const county = await db.selectFrom('regions').select('name').where('depth', '=', 0).executeTakeFirst();
  return `${county?.name ?? '县'}安全生产委员会办公室`;
}

const PREFIX = { site_record: { seq: 'JJ', zh: '检记' }, rectification_order: { seq: 'ZG', zh: '责改' } } as const;

/** The number of (inspection, kind): issued once, audited; issuing the site record moves completed → documents_issued. */
async function issue(tx: Tx, ctx: RequestCtx, id: string, kind: 'site_record' | 'rectification_order') {
  const i = await lockInspection(tx, ctx.actor, id);
  if (
    !isOrganiser(ctx.actor, i) ||
    !['dept_officer', 'town_officer', 'county_admin', 'sys_admin'].includes(ctx.actor.role)
  ) {
    throw forbiddenAction('Enforcement documents are issued by the inspecting units');
  }
  if (!['completed', 'documents_issued'].includes(i.status)) throw illegal('Documents follow a completed inspection');
  const issuer = await issuerUnit(tx, i.department_ids, i.town_code, ctx.actor.departmentId);
  const existing = await tx
    .selectFrom('inspection_documents')
    .select(['number', 'issuer_unit'])
    .where('inspection_id', '=', i.id)
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (existing) return existing;
  const year = localDate(ctx.now).slice(0, 4);
  const seq = await nextSequence(tx, `${PREFIX[kind].seq}-${year}`);
  const number = `${PREFIX[kind].zh}〔${year}〕${String(seq).padStart(6, '0')}号`;
  await tx
    .insertInto('inspection_documents')
    .values({
      kind,
      number,
      inspection_id: i.id,
      enterprise_id: i.enterprise_id,
      issuer_unit: issuer,
      issued_by_id: ctx.actor.userId,
      issued_by_name: ctx.actor.displayName,
      created_at: ctx.now,
    })
    .execute();
  if (kind === 'site_record' && i.status === 'completed') {
    const t = checkInspectionTransition(
      {
        status: i.status as InspectionStatus,
        plannedAt: i.planned_at.toISOString(),
        actorRole: ctx.actor.role,
        actorIsOrganiser: true,
      },
      'issue_documents',
      { documents: [{ kind: 'site_record', number }] },
    );
    if (t.ok) {
      await tx
        .updateTable('inspections')
        .set({ status: t.to, updated_at: ctx.now, version: i.version + 1 })
        .where('id', '=', i.id)
        .execute();
    }
  }
  await tx
    .insertInto('inspection_events')
    .values({
      inspection_id: i.id,
      at: ctx.now,
      actor_id: ctx.actor.userId,
      actor_name: ctx.actor.displayName,
      action: 'document_issued',
      data: JSON.stringify({ kind, number }),
    })
    .execute();
  await audit(tx, ctx, {
    action: 'inspection.document_issued',
    entityType: 'inspection',
    entityId: i.id,
    after: { kind, number },
  });
  return { number, issuer_unit: issuer };
}

const idParams = z.object({ id: z.string() });

export function documentRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);
  r.get(
    '/api/inspections/:id/site-record.docx',
    { schema: { tags: ['supervision'], params: idParams } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'inspection.conduct');
      const doc = await p.transaction((tx) => issue(tx, ctx, req.params.id, 'site_record'));
      const d = await inspectionDetail(p.db, ctx.actor, req.params.id);
      if (!d) throw notFound('inspection');
      return sendDownload(
        reply,
        DOCX_MIME,
        `现场检查记录-${d.code}.docx`,
        await siteRecordDocx(d, doc.number, doc.issuer_unit),
      );
    },
  );

  r.get(
    '/api/inspections/:id/rectification-order.docx',
    { schema: { tags: ['supervision'], params: idParams } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'inspection.conduct');
      const d0 = await inspectionDetail(p.db, ctx.actor, req.params.id);
      if (!d0) throw notFound('inspection');
      const hazardIds = d0.hazards.map((h) => h.id);
      if (hazardIds.length === 0) throw illegal('No hazard was found at this inspection: there is nothing to order');
      const doc = await p.transaction((tx) => issue(tx, ctx, req.params.id, 'rectification_order'));
      const d = await inspectionDetail(p.db, ctx.actor, req.params.id);
      if (!d) throw notFound('inspection');
      const items = await p.db
        .selectFrom('hazards')
        .select(['code', 'place', 'description', 'level', 'deadline'])
        .where('id', 'in', hazardIds)
        .orderBy('code')
        .execute();
      return sendDownload(
        reply,
        DOCX_MIME,
        `责令限期整改指令书-${d.code}.docx`,
        await rectificationOrderDocx(d, doc.number, doc.issuer_unit, items),
      );
    },
  );
}

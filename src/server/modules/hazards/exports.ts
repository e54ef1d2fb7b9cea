import { Document, Packer } from 'docx';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type HazardSource, type HazardStatus, localDate } from '../../../core/hazards/index.js';
import { audit } from '../../platform/audit/audit.js';
import { requirePermission } from '../../platform/authz/actor.js';
import type { Tx } from '../../platform/db/client.js';
import { nextSequence } from '../../platform/db/sequences.js';
import { DOCX_MIME, dateZh, docxKit, localStamp, sendDownload, XLSX_MIME } from '../../platform/documents/docx.js';
import { AppError, notFound } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf, type RequestCtx } from '../../platform/http/context.js';
import { listParam } from '../../platform/http/pagination.js';
import type { Platform } from '../../platform/platform.js';
import { LEVEL_ZH, SOURCE_ZH, STATUS_ZH } from './hazards.labels.js';
import { DOCUMENT_ISSUERS } from './hazards.policy.js';
import { findHazard, type HazardWithEnterprise, scopedHazards } from './hazards.repo.js';
import { hazardFilterQuery } from './hazards.schemas.js';
import { addHazardEvent } from './hazards.service.js';
import { illegal, isUuid, unitName } from './hazards.shared.js';

export const LEDGER_MAX_ROWS = 100_000;

export const LEDGER_COLUMNS = [
  { header: '序号', width: 6 },
  { header: '隐患编号', width: 17 },
  { header: '企业名称', width: 28 },
  { header: '所属乡镇', width: 12 },
  { header: '行业', width: 14 },
  { header: '隐患部位', width: 18 },
  { header: '隐患描述', width: 40 },
  { header: '隐患级别', width: 12 },
  { header: '来源', width: 12 },
  { header: '发现人', width: 10 },
  { header: '发现时间', width: 17 },
  { header: '整改措施', width: 30 },
  { header: '责任人', width: 10 },
  { header: '整改资金', width: 12 },
  { header: '整改期限', width: 12 },
  { header: '状态', width: 10 },
  { header: '验收人', width: 10 },
  { header: '验收时间', width: 17 },
  { header: '销号时间', width: 17 },
] as const;

// ---------------------------------------------------------------------------------------------------------
// DOCX
// ---------------------------------------------------------------------------------------------------------

const { para, table } = docxKit({ body: 28, cell: 21, indent: 560 });

export interface DocItem {
  code: string;
  place: string;
  description: string;
  level: 'general' | 'major';
  deadline: string | null;
}

export async function rectificationOrderDocx(d: {
  number: string;
  issuer: string;
  enterpriseName: string;
  items: DocItem[];
  deadline: string;
  inspector: string;
  date: string;
}): Promise<Buffer> {
  const doc = new Document({
    creator: 'Fangxian 防线',
    title: '责令限期整改指令书',
    sections: [
      {
        children: [
          para(d.issuer, { align: 'center', size: 32 }),
          para('责令限期整改指令书', { align: 'center', bold: true, size: 44 }),
          para(d.number, { align: 'center' }),
          para(`${d.enterpriseName}：`),
          para('经查，你单位存在下列问题：', { indent: true }),
          ...d.items.map((it, i) =>
            para(
              `${i + 1}. ${it.place ? `${it.place}：` : ''}${it.description}（隐患编号${it.code}，${LEVEL_ZH[it.level]}）`,
              {
                indent: true,
              },
            ),
          ),
          table(
            ['序号', '隐患编号', '隐患部位', '隐患描述', '隐患级别', '整改期限'],
            d.items.map((it, i) => [
              String(i + 1),
              it.code,
              it.place,
              it.description,
              LEVEL_ZH[it.level],
              it.deadline ?? d.deadline,
            ]),
          ),
          para(
            `现责令你单位对上述问题于${dateZh(d.deadline)}（${d.deadline}）前整改完毕，达到有关法律法规规章和标准规定的要求，并将整改情况书面报告本机关。`,
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
          para(`检查人员（签名）：${d.inspector}`),
          para(`${d.issuer}（印章）`, { align: 'right' }),
          para(dateZh(d.date), { align: 'right' }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

export async function reviewOpinionDocx(d: {
  number: string;
  issuer: string;
  enterpriseName: string;
  orderNumber: string | null;
  orderDate: string | null;
  items: DocItem[];
  deadline: string | null;
  passed: boolean;
  opinion: string;
  reviewer: string;
  date: string;
}): Promise<Buffer> {
  const intro = d.orderNumber
    ? `本机关于${d.orderDate ? dateZh(d.orderDate) : ''}作出了《责令限期整改指令书》（${d.orderNumber}），经对你单位整改情况进行复查，提出如下意见：`
    : '经对你单位下列事故隐患的整改情况进行复查，提出如下意见：';
  const doc = new Document({
    creator: 'Fangxian 防线',
    title: '整改复查意见书',
    sections: [
      {
        children: [
          para(d.issuer, { align: 'center', size: 32 }),
          para('整改复查意见书', { align: 'center', bold: true, size: 44 }),
          para(d.number, { align: 'center' }),
          para(`${d.enterpriseName}：`),
          para(intro, { indent: true }),
          table(
            ['序号', '隐患编号', '隐患部位', '隐患描述', '整改期限', '复查结果'],
            d.items.map((it, i) => [
              String(i + 1),
              it.code,
              it.place,
              it.description,
              it.deadline ?? d.deadline ?? '',
              d.passed ? '已整改完毕' : '未整改完毕',
            ]),
          ),
          para(
            d.passed
              ? '经复查，上述事故隐患已整改完毕，符合有关法律法规规章和标准规定的要求。'
              : `经复查，上述事故隐患未整改完毕，责令你单位继续整改${d.deadline ? `，于${dateZh(d.deadline)}（${d.deadline}）前整改完毕` : ''}。`,
            { indent: true },
          ),
          ...(d.opinion ? [para(`复查意见：${d.opinion}`, { indent: true })] : []),
          para('被复查单位负责人（签名）：                    年    月    日'),
          para(`复查人员（签名）：${d.reviewer}`),
          para(`${d.issuer}（印章）`, { align: 'right' }),
          para(dateZh(d.date), { align: 'right' }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

// ---------------------------------------------------------------------------------------------------------
// Issuing numbered documents
// ---------------------------------------------------------------------------------------------------------

const PREFIX = { rectification_order: { seq: 'ZG', zh: '责改' }, review_opinion: { seq: 'FC', zh: '复查' } } as const;

/** The document number for (kind, hazard, event): issued once, in its own sequence per year, then reused. */
async function issue(
  tx: Tx,
  ctx: RequestCtx,
  kind: 'rectification_order' | 'review_opinion',
  h: HazardWithEnterprise,
  eventId: number,
) {
  const existing = await tx
    .selectFrom('hazard_documents')
    .select(['number', 'issuer_unit', 'issued_by_name', 'created_at'])
    .where('kind', '=', kind)
    .where('hazard_id', '=', h.id)
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  if (existing) return existing;
  const year = localDate(ctx.now).slice(0, 4);
  const seq = await nextSequence(tx, `${PREFIX[kind].seq}-${year}`);
  const issuer = await unitName(tx, ctx.actor);
  const row = await tx
    .insertInto('hazard_documents')
    .values({
      kind,
      number: `${PREFIX[kind].zh}〔${year}〕${String(seq).padStart(6, '0')}号`,
      hazard_id: h.id,
      event_id: eventId,
      enterprise_id: h.enterprise_id,
      issuer_unit: issuer,
      issued_by_id: ctx.actor.userId,
      issued_by_name: ctx.actor.displayName,
      created_at: ctx.now,
    })
    .onConflict((oc) => oc.columns(['kind', 'hazard_id', 'event_id']).doNothing())
    .returning(['number', 'issuer_unit', 'issued_by_name', 'created_at'])
    .executeTakeFirst();
  if (!row) {
    return tx
      .selectFrom('hazard_documents')
      .select(['number', 'issuer_unit', 'issued_by_name', 'created_at'])
      .where('kind', '=', kind)
      .where('hazard_id', '=', h.id)
      .where('event_id', '=', eventId)
      .executeTakeFirstOrThrow();
  }
  await addHazardEvent(tx, {
    hazardId: h.id,
    at: ctx.now,
    actor: ctx.actor,
    action: 'document_issued',
    data: { kind, number: row.number },
  });
  await audit(tx, ctx, {
    action: 'hazard.document_issued',
    entityType: 'hazard',
    entityId: h.id,
    after: { kind, number: row.number },
  });
  return row;
}

function requireIssuer(ctx: RequestCtx) {
  requirePermission(ctx.actor, 'hazard.export');
  if (!DOCUMENT_ISSUERS.includes(ctx.actor.role)) {
    throw new AppError(403, 'FORBIDDEN', 'Enforcement documents are issued by the supervising side');
  }
}

const DEADLINE_EVENTS = new Set(['create', 'confirm']);

// ---------------------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------------------

export function exportRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);

  r.get(
    '/api/hazards/export.xlsx',
    { schema: { tags: ['hazards'], querystring: z.object(hazardFilterQuery) } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'hazard.export');
      const today = localDate(ctx.now);
      const rows = await scopedHazards(p.db, ctx.actor, req.query, today)
        .leftJoin('regions as township', 'township.code', 'enterprises.region_level2')
        .leftJoin('sectors', 'sectors.code', 'hazards.sector')
        .select([
          'hazards.code',
          'enterprises.name as enterprise_name',
          'township.name as township_name',
          'sectors.name_zh as sector_name',
          'hazards.place',
          'hazards.description',
          'hazards.category',
          'hazards.level',
          'hazards.source',
          'hazards.finder_name',
          'hazards.found_at',
          'hazards.rectification_measures',
          'hazards.responsible_person',
          'hazards.rectification_funds',
          'hazards.deadline',
          'hazards.status',
          'hazards.verifier_name',
          'hazards.verified_at',
          'hazards.closed_at',
        ])
        .orderBy('hazards.found_at', 'desc')
        .orderBy('hazards.id', 'desc')
        .limit(LEDGER_MAX_ROWS + 1)
        .execute();
      if (rows.length > LEDGER_MAX_ROWS) {
        throw new AppError(
          400,
          'VALIDATION',
          `More than ${LEDGER_MAX_ROWS} hazards match; narrow the filters (e.g. a date range)`,
        );
      }
      const wb = new ExcelJS.Workbook();
      wb.creator = 'Fangxian 防线';
      const ws = wb.addWorksheet('隐患台账', { views: [{ state: 'frozen', ySplit: 2 }] });
      ws.columns = LEDGER_COLUMNS.map((c) => ({ width: c.width }));
      ws.mergeCells(1, 1, 1, LEDGER_COLUMNS.length);
      const title = ws.getCell(1, 1);
      title.value = `隐患排查治理台账（导出时间：${localStamp(ctx.now)}）`;
      title.font = { bold: true, size: 14 };
      title.alignment = { horizontal: 'center' };
      const head = ws.addRow(LEDGER_COLUMNS.map((c) => c.header));
      head.font = { bold: true };
      head.eachCell((c) => {
        c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7EEF7' } };
        c.border = {
          top: { style: 'thin' },
          bottom: { style: 'thin' },
          left: { style: 'thin' },
          right: { style: 'thin' },
        };
      });
      rows.forEach((h, i) => {
        ws.addRow([
          i + 1,
          h.code,
          h.enterprise_name,
          h.township_name ?? '',
          h.sector_name ?? '',
          h.place,
          h.description,
          LEVEL_ZH[h.level],
          SOURCE_ZH[h.source as HazardSource],
          h.finder_name,
          localStamp(h.found_at),
          h.rectification_measures,
          h.responsible_person,
          h.rectification_funds,
          h.deadline ?? '',
          STATUS_ZH[h.status as HazardStatus] +
            (h.status === 'rectifying' && h.deadline && h.deadline < today ? '（逾期）' : ''),
          h.verifier_name ?? '',
          localStamp(h.verified_at),
          localStamp(h.closed_at),
        ]);
      });
      ws.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: LEDGER_COLUMNS.length } };
      const buf = Buffer.from(await wb.xlsx.writeBuffer());
      return sendDownload(reply, XLSX_MIME, `隐患台账-${today}.xlsx`, buf);
    },
  );

  r.get(
    '/api/hazards/:id/rectification-order.docx',
    {
      schema: {
        tags: ['hazards'],
        params: z.object({ id: z.string() }),
        querystring: z.object({ with: listParam(z.uuid()) }),
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'hazard.read');
      const h = await findHazard(p.db, ctx.actor, req.params.id);
      if (!h) throw notFound('hazard');
      requireIssuer(ctx);
      if (h.path === 'self' && h.level === 'general')
        throw illegal('A self-checked general hazard has no rectification order');
      if (h.status === 'rejected') throw illegal('A rejected hazard has no rectification order');
      if (!h.deadline)
        throw illegal('The hazard has no rectification deadline yet (a major hazard is confirmed with its plan first)');
      const others = [];
      for (const id of req.query.with ?? []) {
        if (id === h.id) continue;
        const o = isUuid(id) ? await findHazard(p.db, ctx.actor, id) : undefined;
        if (!o) throw notFound('hazard');
        if (o.enterprise_id !== h.enterprise_id) {
          throw new AppError(400, 'INVALID_FIELD', 'All items of one order belong to one enterprise', [
            { path: 'with', message: 'other enterprise' },
          ]);
        }
        others.push(o);
      }
      const events = await p.db
        .selectFrom('hazard_events')
        .select(['id', 'action', 'data'])
        .where('hazard_id', '=', h.id)
        .orderBy('id', 'desc')
        .execute();
      const event = events.find(
        (e) =>
          DEADLINE_EVENTS.has(e.action) ||
          (e.action === 'return' && typeof e.data.newDeadline === 'string') ||
          (e.action === 'decide_extension' && e.data.approved === true),
      );
      if (!event) throw illegal('No deadline was set for this hazard');
      const doc = await p.transaction((tx) => issue(tx, ctx, 'rectification_order', h, Number(event.id)));
      const items = [h, ...others].map((x) => ({
        code: x.code,
        place: x.place,
        description: x.description,
        level: x.level,
        deadline: x.deadline,
      }));
      const buf = await rectificationOrderDocx({
        number: doc.number,
        issuer: doc.issuer_unit,
        enterpriseName: h.enterprise_name,
        items,
        deadline: h.deadline,
        inspector: doc.issued_by_name,
        date: localDate(doc.created_at),
      });
      return sendDownload(reply, DOCX_MIME, `责令限期整改指令书-${h.code}.docx`, buf);
    },
  );

  r.get(
    '/api/hazards/:id/review-opinion.docx',
    { schema: { tags: ['hazards'], params: z.object({ id: z.string() }) } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'hazard.read');
      const h = await findHazard(p.db, ctx.actor, req.params.id);
      if (!h) throw notFound('hazard');
      requireIssuer(ctx);
      const review = await p.db
        .selectFrom('hazard_events')
        .select(['id', 'action', 'actor_name', 'at', 'data'])
        .where('hazard_id', '=', h.id)
        .where('action', 'in', ['verify', 'return'])
        .where('actor_role', 'in', [...DOCUMENT_ISSUERS])
        .where('from_status', 'in', ['submitted', 'verified'])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!review) throw illegal('The supervising side has not reviewed this hazard yet');
      const order = await p.db
        .selectFrom('hazard_documents')
        .select(['number', 'created_at'])
        .where('hazard_id', '=', h.id)
        .where('kind', '=', 'rectification_order')
        .where('event_id', '<', review.id)
        .orderBy('event_id', 'desc')
        .limit(1)
        .executeTakeFirst();
      const doc = await p.transaction((tx) => issue(tx, ctx, 'review_opinion', h, Number(review.id)));
      const passed = review.action === 'verify';
      const note =
        typeof review.data.note === 'string'
          ? review.data.note
          : typeof review.data.reason === 'string'
            ? review.data.reason
            : '';
      const newDeadline = typeof review.data.newDeadline === 'string' ? review.data.newDeadline : h.deadline;
      const buf = await reviewOpinionDocx({
        number: doc.number,
        issuer: doc.issuer_unit,
        enterpriseName: h.enterprise_name,
        orderNumber: order?.number ?? null,
        orderDate: order ? localDate(order.created_at) : null,
        items: [{ code: h.code, place: h.place, description: h.description, level: h.level, deadline: h.deadline }],
        deadline: passed ? h.deadline : newDeadline,
        passed,
        opinion: note,
        reviewer: review.actor_name,
        date: localDate(review.at),
      });
      return sendDownload(reply, DOCX_MIME, `整改复查意见书-${h.code}.docx`, buf);
    },
  );
}

/**
 * The building blocks of the official documents the modules issue as DOCX (指令书, 意见书, 现场检查记录): SimSun
 * text, paragraphs, bordered tables, dates in Asia/Shanghai, and the download reply. Each document family keeps its
 * own type sizes (`docxKit`), the look of the paper forms it replaces.
 */
import { AlignmentType, BorderStyle, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { FastifyReply } from 'fastify';

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const FONT = 'SimSun';

export interface TextOptions {
  bold?: boolean;
  size?: number;
}
export interface ParaOptions extends TextOptions {
  align?: 'center' | 'right';
  indent?: boolean;
}

/**
 * Text helpers at the given sizes, in half-points as Word counts them: `body` (24 = 小四, 28 = 四号), `cell` for
 * table text, `indent` for a first-line indent of two characters (twips).
 */
export function docxKit(sizes: { body: number; cell: number; indent: number }) {
  const run = (text: string, o: TextOptions = {}) =>
    new TextRun({ text, font: FONT, size: o.size ?? sizes.body, bold: o.bold ?? false });
  const para = (text: string, o: ParaOptions = {}) =>
    new Paragraph({
      alignment:
        o.align === 'center' ? AlignmentType.CENTER : o.align === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT,
      spacing: { after: 120 },
      indent: o.indent ? { firstLine: sizes.indent } : undefined,
      children: [run(text, o)],
    });
  const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
  const cell = (text: string, bold = false) =>
    new TableCell({
      borders: { top: border, bottom: border, left: border, right: border },
      children: [new Paragraph({ children: [run(text, { bold, size: sizes.cell })] })],
    });
  const table = (header: string[], rows: string[][]) =>
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [
        new TableRow({ tableHeader: true, children: header.map((h) => cell(h, true)) }),
        ...rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) })),
      ],
    });
  return { run, para, cell, table };
}

const stamp = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
/** A timestamp as Asia/Shanghai 'YYYY-MM-DD HH:mm' ('' for none). */
export const localStamp = (d: Date | string | null) => (d ? stamp.format(new Date(d)) : '');

/** '2026-06-25' → '2026年6月25日'. */
export function dateZh(date: string): string {
  const [y, m, d] = date.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** Sends a generated file as a download with its (Chinese) name. */
export function sendDownload(reply: FastifyReply, type: string, name: string, buf: Buffer) {
  return reply
    .header('content-type', type)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
    .send(buf);
}

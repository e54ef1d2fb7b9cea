import { useCallback, useEffect, useState } from 'react';
import type { AnswerBody, AnswerResult } from './api';

/**
 * The on-site draft of one inspection, kept in the browser (localStorage, keyed by the inspection id) from the
 * first tap until the server has accepted it: a dropped connection or a closed tab loses nothing. Answers leave
 * the draft only when `PUT …/answers` succeeded for them.
 */
export interface DraftAnswer {
  result: AnswerResult;
  note: string;
  photoFileIds: string[];
  place: string;
  deadline: string;
}
export interface Draft {
  /** `templateId|itemKey` → answer not yet accepted by the server. */
  answers: Record<string, DraftAnswer>;
  enterpriseSigner: string;
  inspectorSigner: string;
  summary: string;
}

const EMPTY: Draft = { answers: {}, enterpriseSigner: '', inspectorSigner: '', summary: '' };
export const draftKey = (inspectionId: string) => `fx.inspection-draft.${inspectionId}`;
export const answerKey = (templateId: string, itemKey: string) => `${templateId}|${itemKey}`;

function isDraft(v: unknown): v is Draft {
  return typeof v === 'object' && v !== null && 'answers' in v && typeof (v as Draft).answers === 'object';
}

export function readDraft(inspectionId: string): Draft {
  try {
    const raw = localStorage.getItem(draftKey(inspectionId));
    if (!raw) return EMPTY;
    const parsed: unknown = JSON.parse(raw);
    return isDraft(parsed) ? { ...EMPTY, ...parsed } : EMPTY;
  } catch {
    return EMPTY;
  }
}

function writeDraft(inspectionId: string, draft: Draft): void {
  try {
    const empty =
      Object.keys(draft.answers).length === 0 && !draft.enterpriseSigner && !draft.inspectorSigner && !draft.summary;
    if (empty) localStorage.removeItem(draftKey(inspectionId));
    else localStorage.setItem(draftKey(inspectionId), JSON.stringify(draft));
  } catch {
    // Storage full or disabled (private mode): the draft lives in memory for this page only.
  }
}

/** Draft answers in the body of `PUT /api/inspections/:id/answers`; empty texts are left out. */
export function toAnswerBodies(draft: Draft): AnswerBody[] {
  return Object.entries(draft.answers).map(([k, a]) => {
    const [templateId = '', itemKey = ''] = k.split('|');
    const body: AnswerBody = { templateId, itemKey, result: a.result };
    if (a.result === 'not_compliant') {
      if (a.note.trim()) body.note = a.note.trim();
      if (a.photoFileIds.length) body.photoFileIds = a.photoFileIds;
      if (a.place.trim()) body.place = a.place.trim();
      if (a.deadline) body.deadline = a.deadline;
    } else if (a.note.trim()) body.note = a.note.trim();
    return body;
  });
}

/** A non-compliant answer needs a note or a photo (as the server checks). */
export function missingEvidence(a: DraftAnswer): boolean {
  return a.result === 'not_compliant' && !a.note.trim() && a.photoFileIds.length === 0;
}

export function useDraft(inspectionId: string) {
  const [draft, setDraft] = useState<Draft>(() => readDraft(inspectionId));
  useEffect(() => setDraft(readDraft(inspectionId)), [inspectionId]);
  const update = useCallback(
    (fn: (d: Draft) => Draft) => {
      setDraft((cur) => {
        const next = fn(cur);
        writeDraft(inspectionId, next);
        return next;
      });
    },
    [inspectionId],
  );
  return { draft, update };
}

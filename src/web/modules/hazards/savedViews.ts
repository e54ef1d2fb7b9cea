import { useCallback, useEffect, useState } from 'react';

/** A named set of list filters: the URL search string of the hazard list (`status=rectifying&overdue=true`). */
export interface SavedView {
  name: string;
  search: string;
}

const MAX_VIEWS = 20;
const storageKey = (userId: string) => `fx.hazards.views.${userId}`;

function isView(v: unknown): v is SavedView {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as SavedView).name === 'string' &&
    typeof (v as SavedView).search === 'string'
  );
}

/** Reads a user's saved views; anything malformed in storage is dropped, never trusted. */
export function readViews(userId: string): SavedView[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(storageKey(userId)) ?? '[]');
    return Array.isArray(raw) ? raw.filter(isView).slice(0, MAX_VIEWS) : [];
  } catch {
    return [];
  }
}

function writeViews(userId: string, views: SavedView[]) {
  try {
    localStorage.setItem(storageKey(userId), JSON.stringify(views.slice(0, MAX_VIEWS)));
  } catch {
    // private mode or a full quota: the views last for this page only
  }
}

/**
 * The saved views of the signed-in user, kept in this browser (per user, so a shared office computer does not
 * mix them). A view with an existing name replaces it. The views hold filters only — what a user sees through
 * them is still decided by the server's scope.
 */
export function useSavedViews(userId: string) {
  const [views, setViews] = useState<SavedView[]>(() => readViews(userId));
  useEffect(() => setViews(readViews(userId)), [userId]);
  const save = useCallback(
    (view: SavedView) => {
      const next = [view, ...readViews(userId).filter((v) => v.name !== view.name)];
      writeViews(userId, next);
      setViews(next.slice(0, MAX_VIEWS));
    },
    [userId],
  );
  const remove = useCallback(
    (name: string) => {
      const next = readViews(userId).filter((v) => v.name !== name);
      writeViews(userId, next);
      setViews(next);
    },
    [userId],
  );
  return { views, save, remove };
}

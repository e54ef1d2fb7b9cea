import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { isUuid } from '../../../core/ids.js';
import type { Actor } from '../authz/actor.js';
import type { Clock } from '../clock.js';
import type { Db, Executor } from '../db/client.js';
import { AppError, notFound } from '../errors.js';

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Accepted types, decided by the bytes, never by the name. */
export const ALLOWED_MIME = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
]);

/** Where bytes live: content-addressed. The local disk now; an S3-compatible store implements the same. */
export interface BlobStore {
  put(sha256: string, bytes: Buffer, variant?: string): Promise<void>;
  get(sha256: string, variant?: string): Promise<Buffer | null>;
}

export function localBlobStore(root: string): BlobStore {
  const p = (sha: string, variant?: string) =>
    path.join(root, sha.slice(0, 2), sha.slice(2, 4), variant ? `${sha}.${variant}` : sha);
  return {
    async put(sha, bytes, variant) {
      const file = p(sha, variant);
      if (fs.existsSync(file)) return;
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.promises.writeFile(tmp, bytes);
      await fs.promises.rename(tmp, file);
    },
    async get(sha, variant) {
      try {
        return await fs.promises.readFile(p(sha, variant));
      } catch {
        return null;
      }
    },
  };
}

/** How a module answers "may this actor see the record this file belongs to?" — by its own scoped read. */
export type OwnerAccess = (db: Executor, actor: Actor, ownerId: string) => Promise<boolean>;

export interface FileRow {
  id: string;
  name: string;
  size: number;
  mime: string;
  sha256: string;
  has_thumb: boolean;
  uploader_id: string | null;
  owner_type: string | null;
  owner_id: string | null;
  created_at: Date;
}

export function createFileService(deps: { db: Db; store: BlobStore; clock: Clock }) {
  const owners = new Map<string, OwnerAccess>();
  const { db, store, clock } = deps;

  async function canSee(actor: Actor, f: FileRow): Promise<boolean> {
    if (!f.owner_type || !f.owner_id) return f.uploader_id === actor.userId;
    const check = owners.get(f.owner_type);
    return check ? check(db, actor, f.owner_id) : false;
  }

  return {
    registerOwner(type: string, access: OwnerAccess) {
      owners.set(type, access);
    },

    /** Checks the bytes and stores them; the row is inserted by the caller inside its transaction. */
    async ingest(bytes: Buffer, originalName: string) {
      if (bytes.length === 0)
        throw new AppError(400, 'VALIDATION', 'The file is empty', [{ path: 'file', message: 'empty' }]);
      if (bytes.length > MAX_FILE_BYTES) throw new AppError(413, 'FILE_TOO_LARGE', 'Files may be at most 20 MB');
      const type = await fileTypeFromBuffer(bytes);
      if (!type || !ALLOWED_MIME.has(type.mime)) {
        throw new AppError(415, 'FILE_TYPE', 'Only JPEG, PNG, WebP, PDF, DOCX and XLSX files are accepted', [
          { path: 'file', message: type ? `detected ${type.mime}` : 'unknown type' },
        ]);
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await store.put(sha256, bytes);
      let hasThumb = false;
      if (type.mime.startsWith('image/')) {
        try {
          const thumb = await sharp(bytes)
            .rotate()
            .resize(320, 320, { fit: 'inside', withoutEnlargement: true })
            .webp()
            .toBuffer();
          await store.put(sha256, thumb, 'thumb.webp');
          hasThumb = true;
        } catch {
          throw new AppError(415, 'FILE_TYPE', 'The image could not be read', [
            { path: 'file', message: 'corrupt image' },
          ]);
        }
      }
      const name = path.basename(originalName || 'file').slice(0, 200) || 'file';
      return { sha256, mime: type.mime, size: bytes.length, hasThumb, name };
    },

    async insert(
      tx: Executor,
      actor: Actor,
      f: { sha256: string; mime: string; size: number; hasThumb: boolean; name: string },
    ) {
      return tx
        .insertInto('files')
        .values({
          sha256: f.sha256,
          name: f.name,
          size: f.size,
          mime: f.mime,
          has_thumb: f.hasThumb,
          uploader_id: actor.userId,
          created_at: clock.now(),
        })
        .returning(['id', 'name', 'size', 'mime'])
        .executeTakeFirstOrThrow();
    },

    /**
     * Binds uploaded files to a record. Only files the actor uploaded and that are not yet attached qualify;
     * anything else is a 400 naming the field, and nothing is attached.
     */
    async attach(tx: Executor, actor: Actor, ids: string[], ownerType: string, ownerId: string, field = 'fileIds') {
      if (ids.length === 0) return;
      const rows = await tx
        .selectFrom('files')
        .select(['id', 'owner_type', 'uploader_id'])
        .where('id', 'in', ids)
        .execute();
      const ok = new Set(rows.filter((r) => r.owner_type === null && r.uploader_id === actor.userId).map((r) => r.id));
      const bad = ids.findIndex((id) => !ok.has(id));
      if (bad >= 0) {
        throw new AppError(400, 'VALIDATION', 'A file is unknown, not yours, or already attached', [
          { path: `${field}.${bad}`, message: 'not an unattached upload of yours' },
        ]);
      }
      await tx.updateTable('files').set({ owner_type: ownerType, owner_id: ownerId }).where('id', 'in', ids).execute();
    },

    /** A file, when the actor may see it; otherwise 404 (never 403). */
    async open(actor: Actor, id: string, thumb: boolean) {
      if (!isUuid(id)) throw notFound('file');
      const f = await db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
      if (!f || !(await canSee(actor, f))) throw notFound('file');
      if (thumb && !f.has_thumb) throw notFound('thumbnail');
      const bytes = await store.get(f.sha256, thumb ? 'thumb.webp' : undefined);
      if (!bytes) throw notFound('file content');
      return { row: f, bytes, mime: thumb ? 'image/webp' : f.mime };
    },

    listFor(tx: Executor, ownerType: string, ownerId: string) {
      return tx
        .selectFrom('files')
        .select(['id', 'name', 'size', 'mime', 'has_thumb', 'created_at'])
        .where('owner_type', '=', ownerType)
        .where('owner_id', '=', ownerId)
        .orderBy('created_at')
        .execute();
    },
  };
}

export type FileService = ReturnType<typeof createFileService>;

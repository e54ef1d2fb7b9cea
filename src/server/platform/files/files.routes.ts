import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { audit } from '../audit/audit.js';
import { requirePermission } from '../authz/actor.js';
import { AppError } from '../errors.js';
import { zod } from '../http/app.js';
import { ctxOf } from '../http/context.js';
import type { Platform } from '../platform.js';

export function fileRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);
  r.post('/api/files', { schema: { tags: ['files'], consumes: ['multipart/form-data'] } }, async (req, reply) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'file.upload');
    if (!req.isMultipart()) {
      throw new AppError(400, 'VALIDATION', 'Send the file as multipart/form-data in the field "file"', [
        { path: 'file', message: 'required' },
      ]);
    }
    const part = await req.file();
    if (part?.fieldname !== 'file') {
      throw new AppError(400, 'VALIDATION', 'The multipart field must be named "file"', [
        { path: 'file', message: 'required' },
      ]);
    }
    const bytes = await part.toBuffer();
    if (part.file.truncated) throw new AppError(413, 'FILE_TOO_LARGE', 'Files may be at most 20 MB');
    const ingested = await p.files.ingest(bytes, part.filename);
    const row = await p.transaction(async (tx) => {
      const f = await p.files.insert(tx, ctx.actor, ingested);
      await audit(tx, ctx, { action: 'file.uploaded', entityType: 'file', entityId: f.id, after: f });
      return f;
    });
    return reply.status(201).send(row);
  });

  const serve = (thumb: boolean) =>
    r.get(
      thumb ? '/api/files/:id/thumb' : '/api/files/:id',
      { schema: { tags: ['files'], params: z.object({ id: z.string() }) } },
      async (req, reply) => {
        const ctx = ctxOf(req);
        const f = await p.files.open(ctx.actor, req.params.id, thumb);
        reply.header('content-type', f.mime);
        reply.header('cache-control', 'private, max-age=3600');
        reply.header('x-content-type-options', 'nosniff');
        if (!thumb) {
          const disposition = f.mime.startsWith('image/') || f.mime === 'application/pdf' ? 'inline' : 'attachment';
          reply.header('content-disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(f.row.name)}`);
        }
        return reply.send(f.bytes);
      },
    );
  serve(false);
  serve(true);
}

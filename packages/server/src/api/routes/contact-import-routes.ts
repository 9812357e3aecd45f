/**
 * @module api/routes/contact-import-routes
 * POST /api/v1/contacts/import takes a CSV (the body as text/csv, or one file in multipart/form-data) and answers a
 * report of what each row did; GET /api/v1/contacts/export.csv writes the contacts a search finds as CSV, streamed.
 * Both are bulk access to customers' personal data, so both need an admin or owner.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { defaultRegionField } from '../../channel-kit/index.js';
import { ContactTransfer, storedContactTags, IMPORT_LIMITS } from '../../core/contacts/contact-import.js';
import { AppError } from '../../core/errors.js';
import type { Hub } from '../../core/hub.js';
import { requireRole } from '../auth.js';
import { ErrorSchema } from '../schemas.js';

export const ImportReportSchema = z
  .object({
    created: z.number(),
    updated: z.number(),
    unchanged: z.number().describe('rows that matched a contact already holding every value they carry'),
    rejected: z.array(
      z.object({
        row: z.number().describe('as a spreadsheet numbers it: the header is row 1'),
        reason: z.string(),
        field: z.string().nullable().describe('the column at fault; null when the row as a whole is'),
      }),
    ),
    ignoredColumns: z.array(z.string()).describe('columns read and validated but not stored'),
  })
  .meta({ id: 'ContactImportReport' });

const ImportQuerySchema = z.object({
  defaultRegion: defaultRegionField().describe(
    "region for phone numbers written without a country code (ISO 3166-1 alpha-2, e.g. DE); by default the defaultRegion of the workspace's phone connections",
  ),
  unknownColumns: z
    .enum(['attribute', 'reject'])
    .default('attribute')
    .describe('a column that is not name, phone, email, tags, id or attributes.<key>: an attribute, or a 400'),
});

const ExportQuerySchema = z.object({
  q: z.string().max(320).optional().describe('the search of GET /api/v1/contacts?q=; all contacts without it'),
  bom: z
    .enum(['true', 'false'])
    .default('false')
    .describe('start with a UTF-8 byte order mark (spreadsheets that otherwise guess another encoding)'),
});

/** the CSV inside a request body: the body itself, or the first file (else the first field) of a multipart form */
async function csvText(body: unknown, contentType: string): Promise<string> {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) return bytes.toString('utf8');
  let form: FormData;
  try {
    // undici's multipart reader (the fetch Response of Node itself), so no hand-written boundary parsing
    form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new AppError('VALIDATION', 'body: not a readable multipart/form-data body', {
      fields: [{ field: 'body', message: 'not a readable multipart/form-data body' }],
    });
  }
  const values = [...form.values()];
  const part = values.find((v) => typeof v !== 'string') ?? values[0];
  if (part === undefined)
    throw new AppError('VALIDATION', 'body: the form holds no file', {
      fields: [{ field: 'body', message: 'the form holds no file' }],
    });
  return typeof part === 'string' ? part : await part.text();
}

export async function contactImportRoutes(app: FastifyInstance, hub: Hub): Promise<void> {
  const transfer = new ContactTransfer(
    hub.deps,
    (workspaceId, page, q) => hub.conversations.contacts(workspaceId, page, q),
    storedContactTags,
  );
  const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 413: ErrorSchema, 415: ErrorSchema };
  // room for a multipart envelope around a CSV at the limit; the CSV itself is measured again after unpacking
  const bodyLimit = IMPORT_LIMITS.maxBytes + 64 * 1024;

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      ['text/csv', 'application/csv', 'text/plain', 'multipart/form-data'],
      { parseAs: 'buffer', bodyLimit },
      (_req, body, done) => done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/contacts/import',
      {
        bodyLimit,
        schema: {
          tags: ['contacts'],
          summary: `Import contacts from CSV (text/csv body, or a file in multipart/form-data; at most ${IMPORT_LIMITS.maxRows} rows and ${IMPORT_LIMITS.maxBytes} bytes). Columns: name, phone, email, tags (semicolon-separated), id, attributes.<key>; rows are matched by normalized phone or email, so a second upload changes nothing`,
          querystring: ImportQuerySchema,
          response: { 200: ImportReportSchema, ...errors },
        },
      },
      async (req) => {
        const { workspaceId } = requireRole(req, 'admin');
        const text = await csvText(req.body, req.headers['content-type'] ?? '');
        return transfer.importCsv(workspaceId, text, req.query);
      },
    );
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    '/contacts/export.csv',
    {
      schema: {
        tags: ['contacts'],
        summary:
          'The contacts a search finds (all without q) as CSV, in the columns the import reads; cells a spreadsheet would run as a formula start with a single quote',
        querystring: ExportQuerySchema,
        response: { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (req, reply) => {
      const { workspaceId } = requireRole(req, 'admin');
      const rows = transfer.exportCsv(workspaceId, req.query.q, { bom: req.query.bom === 'true' });
      // the body is a stream of CSV text, which the JSON response schemas (errors only) do not describe
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="contacts.csv"')
        .header('cache-control', 'no-store')
        .send(Readable.from(rows) as never);
    },
  );
}

import type { FastifyRequest } from 'fastify';
import { isLang } from '../../i18n/messages';
import type { ApplicationService } from '../services/applications';
import type { EvidenceService } from '../services/evidence';
import multipart from '@fastify/multipart';
import { checkEvidenceFile } from '../services/evidence-file';
import { csrfTokenFor, identityOf } from './guard';
import { pageLanguage } from './page-language';
import { verifyPage, type ExportCheck } from './pages/verify-page';
import type { HttpApp } from './server';
import { onApplication, withLanguage } from './route-schemas';

const tags = ['evidence'];

/** Admins' and auditors' evidence of one application: exports and the check of its audit trail. */
export function addEvidenceRoutes(app: HttpApp, applications: ApplicationService, evidence: EvidenceService, clock: () => Date): void {
  const reach = (request: FastifyRequest, id: string) => applications.authorize(identityOf(request), id);
  const who = (request: FastifyRequest) => {
    const identity = identityOf(request);
    return `${identity.name} <${identity.email}> (${identity.role}, ${identity.userId})`;
  };

  app.get(
    '/api/applications/:id/evidence.json',
    { config: { access: 'audit' }, schema: { summary: 'Everything about the application, with its audit trail and the chain head that seals it.', tags, params: onApplication } },
    async (request, reply) => {
      await reach(request, request.params.id);
      const body = await evidence.exportJson(request.params.id, who(request), clock());
      void reply.header('content-disposition', `attachment; filename="${request.params.id}-evidence.json"`);
      return body;
    },
  );

  app.get(
    '/api/applications/:id/evidence.pdf',
    {
      config: { access: 'audit' },
      schema: { summary: 'The evidence as a PDF to file: decisions with who, when, which link and address; emails; the chain head.', tags, params: onApplication, querystring: withLanguage },
    },
    async (request, reply) => {
      await reach(request, request.params.id);
      // The PDF's language: Polish unless asked for English (not the browser's: it is a document to file).
      const lang = isLang(request.query.lang) ? request.query.lang : 'pl';
      const pdf = await evidence.exportPdf(request.params.id, who(request), clock(), lang);
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${request.params.id}-evidence.pdf"`).send(pdf);
    },
  );

  app.get(
    '/api/applications/:id/evidence.csv',
    { config: { access: 'audit' }, schema: { summary: 'The audit trail as CSV, with each record’s place in the chain and its hashes.', tags, params: onApplication } },
    async (request, reply) => {
      await reach(request, request.params.id);
      const csv = await evidence.exportCsv(request.params.id);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${request.params.id}-audit.csv"`).send(csv);
    },
  );

  app.get(
    '/api/applications/:id/audit/verify',
    { config: { access: 'audit' }, schema: { summary: "Whether the database's audit trail of the application still matches its hash chain.", tags, params: onApplication } },
    async (request) => {
      await reach(request, request.params.id);
      return evidence.verify(request.params.id);
    },
  );

  // Checking an uploaded export: multipart in this route's own scope only, one JSON or PDF file.
  app.register(async (scope) => {
    await scope.register(multipart, { attachFieldsToBody: 'keyValues', limits: { files: 1, fields: 4, fileSize: MAX_EXPORT_BYTES } });
    scope.get('/evidence/verify', { config: { access: 'audit' }, schema: { hide: true } }, async (request, reply) =>
      reply.type('text/html; charset=utf-8').send(verifyPage(pageLanguage(request), csrfTokenFor(request, reply))),
    );
    scope.post('/evidence/verify', { config: { access: 'audit' }, schema: { hide: true } }, async (request, reply) => {
      const lang = pageLanguage(request);
      const file = (request.body as { export?: unknown } | undefined)?.export;
      // A form sent without a file chosen carries an empty one.
      const empty = file === undefined || file === '' || (Buffer.isBuffer(file) && file.length === 0);
      const result = empty ? ({ kind: 'no-file' } as const) : await checkExport(file, identityOf(request));
      return reply.code(result.kind === 'checked' ? 200 : 400).type('text/html; charset=utf-8').send(verifyPage(lang, csrfTokenFor(request, reply), result));
    });
  });

  /** The export's own chain, whether it is a beginning of the database's trail, and where its other sections differ from the database. */
  async function checkExport(file: unknown, identity: ReturnType<typeof identityOf>): Promise<ExportCheck> {
    const checked = await checkEvidenceFile(Buffer.isBuffer(file) ? file : Buffer.from(String(file ?? '')));
    if (checked.kind === 'not-export') return checked;
    const reachable = await applications.authorize(identity, checked.applicationId).then(
      () => true,
      () => false,
    );
    const database = reachable ? await evidence.compareWithDatabase(checked.applicationId, checked) : null;
    return { ...checked, database };
  }
}

/** An evidence export larger than this is not one k2flow made (thousands of records fit in a few MB). */
const MAX_EXPORT_BYTES = 20 * 1024 * 1024;

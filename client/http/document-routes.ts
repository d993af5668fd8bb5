import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../auth/identity';
import { DomainError } from '../../domain/domain-error';
import type { ApplicationService } from '../services/applications';
import type { DocumentService, DocumentVersionView } from '../services/documents';
import { perCaller } from './api-routes';
import { identityOf } from './guard';
import type { HttpApp } from './server';
import { acceptUploads, sendDocument, uploadOf } from './uploads';
import { onApplication } from './route-schemas';

const onVersion = onApplication.extend({ versionId: z.uuid('is not a document version id') });
const tags = ['documents'];
/** How long an upload waits for a just-started application's record. */
const RECORD_WAIT_MS = 5_000;

/** The versions of each document, newest last, grouped by document in the order they were first attached. */
export function byDocument(versions: DocumentVersionView[]) {
  const documents = new Map<string, { documentId: string; name: string; unitKey: string | null; stepId: string | null; versions: DocumentVersionView[] }>();
  for (const v of versions) {
    const d = documents.get(v.documentId) ?? { documentId: v.documentId, name: v.name, unitKey: v.unitKey, stepId: v.stepId, versions: [] };
    d.versions.push(v);
    documents.set(v.documentId, d);
  }
  return [...documents.values()];
}

/** The documents API: attach (a new document or a new version), list, download. */
export function addDocumentRoutes(app: HttpApp, applications: ApplicationService, documents: DocumentService): void {
  const reach = (request: FastifyRequest, id: string) => applications.authorize(identityOf(request), id);

  app.get(
    '/api/applications/:id/documents',
    { config: { access: 'read', rateLimit: perCaller }, schema: { summary: "The application's documents, each with every version's hash, size, type and uploader.", tags, params: onApplication } },
    async (request) => {
      await reach(request, request.params.id);
      return { documents: byDocument(await documents.list(request.params.id)) };
    },
  );

  app.get(
    '/api/applications/:id/documents/:versionId',
    { config: { access: 'read', rateLimit: perCaller }, schema: { summary: 'One version of a document, as uploaded (an attachment; its SHA-256 in X-Document-SHA256).', tags, params: onVersion } },
    async (request, reply) => {
      await reach(request, request.params.id);
      const found = await documents.open(request.params.id, request.params.versionId);
      if (!found) throw new DomainError('NOT_FOUND', `The application has no document version ${request.params.versionId}.`);
      // Who read which version is evidence too, as for parties' downloads.
      if (request.method !== 'HEAD') await documents.recordDownload(request.params.id, found.version, actorOf(identityOf(request), request.id));
      return sendDocument(reply, found.version, found.content);
    },
  );

  app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    await acceptUploads(scope, documents.maxBytes);
    scope.post(
      '/api/applications/:id/documents',
      {
        config: { access: 'act', rateLimit: perCaller },
        schema: {
          summary: 'Attach a document (multipart/form-data: file; optional unitKey or stepId; documentId for a new version of that document; name). The same bytes as its latest version change nothing (200).',
          tags,
          params: onApplication,
          consumes: ['multipart/form-data'],
        },
      },
      async (request, reply) => {
        const identity = identityOf(request);
        await applications.authorize(identity, request.params.id);
        const { file, ...placement } = uploadOf(request.body);
        // Moments after its start, an application's record may still be being written by its workflow.
        await applications.waitForRecord(request.params.id, RECORD_WAIT_MS);
        const { created, version } = await documents.attach(request.params.id, file, placement, actorOf(identity, request.id));
        void reply.code(created ? 201 : 200).header('location', `/api/applications/${request.params.id}/documents/${version.versionId}`);
        return { created, version };
      },
    );
  });
}

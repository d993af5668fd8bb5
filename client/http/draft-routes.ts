import { actorOf } from '../../auth/identity';
import type { DraftService } from '../services/drafts';
import { anyJson, perCaller } from './api-routes';
import { identityOf } from './guard';
import type { HttpApp } from './server';
import { onDraft } from './route-schemas';

const tags = ['drafts'];

/** Drafts: applications prepared and previewed before they start; coordinators see their office's. */
export function addDraftRoutes(app: HttpApp, drafts: DraftService): void {
  const config = { access: 'act' as const, rateLimit: perCaller };
  app.post('/api/drafts', { config: { ...config, invalid: 'The draft is invalid' }, schema: { summary: 'Keep an application input, complete or not, as a draft: nothing starts and nobody is emailed.', tags, body: anyJson } }, async (request, reply) => {
    const saved = await drafts.save(request.body, identityOf(request));
    void reply.header('location', `/api/drafts/${saved.id}`).code(201);
    return saved;
  });
  app.get('/api/drafts', { config, schema: { summary: 'The drafts not yet sent that you may see.', tags } }, async (request) => drafts.list(identityOf(request)));
  app.get('/api/drafts/:id', { config, schema: { summary: 'A draft, with every problem that stops it from being sent.', tags, params: onDraft } }, async (request) => drafts.get(request.params.id, identityOf(request)));
  app.put('/api/drafts/:id', { config: { ...config, invalid: 'The draft is invalid' }, schema: { summary: "Replace a draft's input (until it is sent).", tags, params: onDraft, body: anyJson } }, async (request) =>
    drafts.update(request.params.id, request.body, identityOf(request)),
  );
  app.delete('/api/drafts/:id', { config, schema: { summary: 'Throw a draft away (until it is sent).', tags, params: onDraft } }, async (request) => drafts.remove(request.params.id, identityOf(request)));
  app.get(
    '/api/drafts/:id/preview',
    { config, schema: { summary: 'Who will be asked what and when: each step with its parties, its deadline as the working-day calendar moves it, and the reminders; or the problems that stop it.', tags, params: onDraft } },
    async (request) => drafts.preview(request.params.id, identityOf(request)),
  );
  app.post('/api/drafts/:id/send', { config, schema: { summary: 'Start the application the draft describes, once (a repeat answers 409 naming it).', tags, params: onDraft } }, async (request, reply) => {
    const identity = identityOf(request);
    const sent = await drafts.send(request.params.id, identity, actorOf(identity, request.id));
    void reply.header('location', `/api/applications/${sent.id}`).code(201);
    return sent;
  });
}

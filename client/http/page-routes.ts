import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { actorOf } from '../../auth/identity';
import { roleMay } from '../../auth/roles';
import { isInProgress } from '../../domain/action-in-progress';
import type { Actor } from '../../domain/actor';
import { applicationInput, person, unitInput, variants } from '../../domain/application-input';
import { isDomainError, type DomainError, type FieldProblem } from '../../domain/domain-error';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Lang } from '../../mail/html';
import type { DocumentService } from '../services/documents';
import { acceptUploads, uploadOf } from './uploads';
import { deadlineKeys } from '../../definitions';
import { messagesFor, type Messages } from '../../i18n/messages';
import { labelledProblems, localizedProblems } from '../../i18n/field-problems';
import { fromWarsaw } from '../../workflows/calendar/warsaw-time';
import { applicationFilters, type createApplicationSearch } from '../services/application-search';
import type { ApplicationService } from '../services/applications';
import type { createDashboard } from '../services/dashboard';
import type { DraftService } from '../services/drafts';
import type { createHistoryView } from '../services/history-view';
import { withOwnScripts } from './content-security';
import { statusOf } from './errors';
import { pageLanguage } from './page-language';
import { csrfTokenFor, identityOf } from './guard';
import { applicationsPage } from './pages/applications-page';
import { dashboardPage } from './pages/dashboard-page';
import { historyPage } from './pages/history-page';
import { inputFromForm, problemsOnForm, valuesFromInput } from './pages/start-form';
import { draftPage } from './pages/draft-page';
import { chooseVariantPage, startPage } from './pages/start-page';
import type { HttpApp } from './server';
import { draftId, onApplication, onDraft, optionalUnitKey, unitKey, withLanguage } from './route-schemas';

/** The start form's progressive enhancement (adding rows in place), served as it is. */
const startFormScript = readFileSync(new URL('./assets/start-form.js', import.meta.url), 'utf8');

/** How long starting from the form waits for the application's record before showing its page. */
const START_RECORD_WAIT_MS = 5_000;


/** Pages for people who sign in (coordinators, admins, auditors), from the same services as the API. */
export function addPageRoutes(
  app: HttpApp,
  {
    search,
    historyView,
    applications,
    dashboard,
    drafts,
    documents,
  }: {
    search: ReturnType<typeof createApplicationSearch>;
    historyView: ReturnType<typeof createHistoryView>;
    applications: ApplicationService;
    dashboard: ReturnType<typeof createDashboard>;
    drafts: DraftService;
    documents: DocumentService;
  },
): void {
  app.get('/dashboard', { config: { access: 'read' }, schema: { hide: true, querystring: withLanguage } }, async (request, reply) => {
    const identity = identityOf(request);
    // Drafts are for people who may start applications.
    const own = roleMay(identity.role, 'act') ? (await drafts.list(identity)).drafts : [];
    return reply.type('text/html; charset=utf-8').send(dashboardPage(await dashboard(identity), pageLanguage(request), { name: identity.name, role: identity.role }, own));
  });

  app.get(
    '/applications',
    {
      config: {
        access: 'read',
        invalid: 'The filters are invalid',
        fields: ({ list: l }) => ({ q: l.search, variant: l.variant, status: l.status, waiting: l.waiting, from: l.startedFrom, to: l.startedToField, page: l.pageNumber, size: l.pageSize }),
      },
      schema: { hide: true, querystring: applicationFilters },
    },
    async (request, reply) => {
      const identity = identityOf(request);
      const lang = pageLanguage(request);
      const found = await search(identity, request.query);
      return reply.type('text/html; charset=utf-8').send(applicationsPage(found, request.query, lang, { name: identity.name, role: identity.role }));
    },
  );

  const reasonField = z.string().trim().min(3, 'must say why, in at least 3 characters').max(4000);
  const confirmed = z.literal('yes', { message: 'must be ticked: this cannot be undone' });
  const form = <T extends z.ZodRawShape>(shape: T) => z.object({ _csrf: z.string().optional(), ...shape });
  // A form's datetime-local is a wall-clock time in Warsaw, as the page says.
  const warsawLocal = z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'must be a date and time')
    .transform((v) => {
      const [date, time] = v.split('T') as [string, string];
      const [year, month, day] = date.split('-').map(Number) as [number, number, number];
      const [hour, minute] = time.split(':').map(Number) as [number, number];
      return new Date(fromWarsaw({ year, month, day, hour, minute })).toISOString();
    });

  /** The application's page again, its refused form open and filled in with `values`, the refusal beside it. */
  async function refusedOnPage(request: FastifyRequest, reply: FastifyReply, id: string, action: string, values: Record<string, unknown>, status: number, notice: { text: string; detail?: string }) {
    const view = await historyView(id, { withChain: roleMay(identityOf(request).role, 'audit') });
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(historyPage(view, pageLanguage(request), { csrf: csrfTokenFor(request, reply), notice: { ok: false, ...notice }, failed: { action, values } }));
  }

  /** A service's refusal (an English sentence), said in the page's words with it beside. */
  const refusalNotice = (error: DomainError, lang: Lang) => {
    const t = messagesFor(lang).actions;
    return { text: (t.refusedBecause as Record<string, string>)[error.code] ?? t.refusedBecause.other, detail: error.message };
  };

  /**
   * A coordinator's action from the application's page: carried out through the same service as
   * the API, then back to the page (303) saying what happened; a refusal shows the page again with why.
   */
  function pageAction<S extends z.ZodRawShape>(
    name: Exclude<keyof Messages['actions']['done'], 'accepted'>,
    shape: S,
    /** Each field's label as the action's form shows it (the confirmation has its own sentence). */
    labels: (t: Messages) => Record<Exclude<keyof S & string, 'confirm'>, string>,
    run: (id: string, body: z.infer<z.ZodObject<S>>, by: Actor) => Promise<unknown>,
  ) {
    app.post(
      `/applications/:id/actions/${name}`,
      // The body is checked in the handler, so a refusal is shown on the page beside the form.
      { config: { access: 'act' }, schema: { hide: true, params: onApplication, querystring: withLanguage, body: z.record(z.string(), z.unknown()) } },
      async (request, reply) => {
        const identity = identityOf(request);
        const { id } = request.params;
        const lang = pageLanguage(request);
        await applications.authorize(identity, id);
        const refuse = (status: number, notice: { text: string; detail?: string }) => refusedOnPage(request, reply, id, name, request.body, status, notice);
        const t = messagesFor(lang).actions;
        const parsed = form(shape).safeParse(request.body);
        if (!parsed.success) {
          const unconfirmed = parsed.error.issues.some((i) => i.path[0] === 'confirm');
          const lines = labelledProblems(parsed.error.issues.filter((i) => i.path[0] !== 'confirm'), lang, labels(messagesFor(lang)));
          return refuse(400, { text: [...lines, ...(unconfirmed ? [t.confirmNeeded] : [])].join(' ') });
        }
        try {
          const answer = await run(id, parsed.data as z.infer<z.ZodObject<S>>, actorOf(identity, request.id));
          return reply.redirect(`/applications/${encodeURIComponent(id)}?lang=${lang}&done=${isInProgress(answer) ? 'accepted' : name}`, 303);
        } catch (error) {
          if (!isDomainError(error) || error.code === 'UNAVAILABLE') throw error;
          // The workflow's and the services' refusals are English sentences: said in the page's words, with them beside.
          return refuse(statusOf[error.code], refusalNotice(error, lang));
        }
      },
    );
  }

  pageAction(
    'resubmit',
    { unitKey: optionalUnitKey, note: z.string().trim().max(4000).optional(), projectReference: z.string().trim().max(100).optional() },
    ({ actions: t }) => ({ unitKey: t.unit, note: t.note, projectReference: t.newProjectReference }),
    (id, b, by) => applications.resubmit(id, b.unitKey, { note: b.note || undefined, ...(b.projectReference ? { changes: { projectReference: b.projectReference } } : {}) }, by),
  );
  pageAction('extend', { unitKey: optionalUnitKey, deadline: warsawLocal }, ({ actions: t }) => ({ unitKey: t.unit, deadline: t.newDeadline }), (id, b, by) => applications.extendDeadline(id, b.unitKey, b.deadline, by));
  pageAction('proceed', { unitKey: optionalUnitKey }, ({ actions: t }) => ({ unitKey: t.unit }), (id, b, by) => applications.proceedWithoutMissing(id, b.unitKey, by));
  pageAction(
    'remove-unit',
    { unitKey, reason: reasonField, confirm: confirmed },
    ({ actions: t }) => ({ unitKey: t.unit, reason: t.reason }),
    (id, b, by) => applications.removeUnit(id, b.unitKey, b.reason, by),
  );
  const language = z.enum(['', 'en']).optional();
  pageAction(
    'deputy',
    { requestId: z.string().max(300), name: person.shape.name, email: person.shape.email, language, until: z.string().max(40).optional() },
    ({ actions: t, startForm: f }) => ({ requestId: t.deputyFor, name: t.personName, email: t.personEmail, language: f.language, until: t.deputyUntil }),
    (id, b, by) =>
      applications.nameDeputy(id, b.requestId, { name: b.name, email: b.email, language: b.language || undefined, until: b.until || undefined }, by),
  );
  pageAction(
    'replace',
    { email: person.shape.email, newName: person.shape.name, newEmail: person.shape.email, newLanguage: language },
    ({ actions: t, startForm: f }) => ({ email: t.replaced, newName: t.personName, newEmail: t.personEmail, newLanguage: f.language }),
    (id, b, by) =>
      applications.replacePerson(id, { email: b.email, person: { name: b.newName, email: b.newEmail, ...(b.newLanguage ? { language: b.newLanguage } : {}) } }, by),
  );
  // The unit input's own checks, on flat form fields.
  const newUnit = {
    key: unitInput.shape.key,
    name: unitInput.shape.name,
    projectReference: z.string().trim().max(100).optional(),
    approverName: person.shape.name,
    approverEmail: person.shape.email,
    approverLanguage: z.enum(['', 'en']).optional(),
  };
  pageAction(
    'add-unit',
    newUnit,
    ({ startForm: f }) => ({ key: f.unitKey, name: f.unitName, projectReference: f.projectReference, approverName: f.approver, approverEmail: f.approverEmail, approverLanguage: f.language }),
    (id, b, by) =>
      applications.addUnit(id, { key: b.key, name: b.name, ...(b.projectReference ? { projectReference: b.projectReference } : {}), approver: { name: b.approverName, email: b.approverEmail, ...(b.approverLanguage === 'en' ? { language: 'en' } : {}) } }, by),
  );
  pageAction('withdraw', { reason: reasonField, confirm: confirmed }, ({ actions: t }) => ({ reason: t.reason }), (id, b, by) => applications.withdraw(id, b.reason, by));

  // Starting an application through the form: GET shows it (or the variant chooser), POST adds a
  // row, checks, or starts; a refusal shows the form again with each problem beside its field.
  const startQuery = withLanguage.extend({ variant: z.enum(variants).optional(), draft: draftId.optional() });
  app.get('/assets/start-form.js', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(startFormScript),
  );
  app.get('/applications/new', { config: { access: 'act' }, schema: { hide: true, querystring: startQuery } }, async (request, reply) => {
    const lang = pageLanguage(request);
    const { variant, draft: fromDraft } = request.query;
    // Editing a draft: the form filled in with it, as far as it is written.
    const draft = variant && fromDraft ? await drafts.get(fromDraft, identityOf(request)) : null;
    const values = draft && variant ? valuesFromInput(variant, draft.input, deadlineKeys[variant]) : {};
    const html = variant
      ? startPage({ variant, values, problems: [], csrf: csrfTokenFor(request, reply), nonce: randomUUID(), deadlineKeys: deadlineKeys[variant], ...(draft ? { draftId: draft.id } : {}) }, lang)
      : chooseVariantPage(lang);
    return reply.type('text/html; charset=utf-8').header('content-security-policy', withOwnScripts).send(html);
  });
  app.post(
    '/applications/new',
    { config: { access: 'act' }, schema: { hide: true, querystring: startQuery.required({ variant: true }), body: z.record(z.string().max(200), z.string().max(4000)) } },
    async (request, reply) => {
      const identity = identityOf(request);
      const lang = pageLanguage(request);
      const { variant } = request.query;
      const values = request.body;
      const nonce = /^[0-9a-f-]{36}$/.test(values._nonce ?? '') ? values._nonce! : randomUUID();
      const fromDraft = draftId.safeParse(values._draft).data;
      const show = (status: number, problems: FieldProblem[], checked = false, nextNonce = nonce) =>
        reply
          .code(status)
          .type('text/html; charset=utf-8')
          .header('content-security-policy', withOwnScripts)
          .send(startPage({ variant, values, problems, checked, csrf: csrfTokenFor(request, reply), nonce: nextNonce, deadlineKeys: deadlineKeys[variant], ...(fromDraft ? { draftId: fromDraft } : {}) }, lang));
      if (values._more) return show(200, []);
      const { input, rowsOf } = inputFromForm(variant, values, deadlineKeys[variant]);
      // Kept as a draft as far as it is written: nothing is checked, started or sent.
      if (values._intent === 'draft') {
        const saved = fromDraft ? await drafts.update(fromDraft, input, identity) : await drafts.save(input, identity);
        return reply.redirect(`/drafts/${encodeURIComponent(saved.id)}?lang=${lang}`, 303);
      }
      // Checked here first, so each problem is told in the page's language (the API's are English).
      const checked = applicationInput.safeParse(input);
      if (!checked.success) {
        const required = messagesFor(lang).problem.required;
        return show(400, problemsOnForm(localizedProblems(checked.error.issues, lang), rowsOf).map((p) => (p.path in values && !values[p.path]!.trim() ? { ...p, message: required } : p)));
      }
      try {
        if (values._intent !== 'start') return show(200, [], true);
        // One application per form, however often its button is pressed; a draft's form sends the draft.
        const started = fromDraft
          ? await drafts.send(fromDraft, identity, actorOf(identity, request.id), { replacing: input })
          : await applications.start(input, `start-form:${identity.userId}:${nonce}`, { office: identity.office, by: actorOf(identity, request.id) });
        // Its page reads the record the workflow's first activity writes, within moments; should a
        // busy worker take longer, the dashboard shows it once it is there.
        const recorded = await applications.waitForRecord(started.id, START_RECORD_WAIT_MS);
        return reply.redirect(recorded ? `/applications/${encodeURIComponent(started.id)}?lang=${lang}` : `/dashboard?lang=${lang}`, 303);
      } catch (error) {
        // Back to a form that started its application, and edited: a new nonce lets a second press start another.
        if (isDomainError(error) && error.code === 'IDEMPOTENCY_MISMATCH') return show(422, [{ path: 'title', message: messagesFor(lang).startForm.startedDifferently }], false, randomUUID());
        if (!isDomainError(error) || error.code !== 'VALIDATION') throw error;
        return show(400, problemsOnForm(error.problems, rowsOf));
      }
    },
  );

  // A draft's page: its problems or its preview, and edit, send or delete it.
  const showDraft = async (request: FastifyRequest, reply: FastifyReply, id: string, status = 200, notice: string | null = null) => {
    const identity = identityOf(request);
    const lang = pageLanguage(request);
    const { draft, issues, stages } = await drafts.inspect(id, identity);
    if (draft.applicationId) return reply.redirect(`/applications/${encodeURIComponent(draft.applicationId)}?lang=${lang}`, 303);
    const variant = variants.find((v) => v === draft.variant) ?? variants[0];
    const view = { id, variant, title: draft.title, createdByName: draft.createdByName, updatedAt: draft.updatedAt, problems: localizedProblems(issues, lang), stages };
    return reply.code(status).type('text/html; charset=utf-8').send(draftPage(view, lang, csrfTokenFor(request, reply), notice));
  };
  app.get('/drafts/:id', { config: { access: 'act' }, schema: { hide: true, params: onDraft, querystring: withLanguage } }, async (request, reply) => showDraft(request, reply, request.params.id));
  app.post('/drafts/:id/send', { config: { access: 'act' }, schema: { hide: true, params: onDraft, querystring: withLanguage, body: z.record(z.string(), z.unknown()) } }, async (request, reply) => {
    const identity = identityOf(request);
    const lang = pageLanguage(request);
    try {
      const sent = await drafts.send(request.params.id, identity, actorOf(identity, request.id));
      const recorded = await applications.waitForRecord(sent.id, START_RECORD_WAIT_MS);
      return reply.redirect(recorded ? `/applications/${encodeURIComponent(sent.id)}?lang=${lang}` : `/dashboard?lang=${lang}`, 303);
    } catch (error) {
      if (!isDomainError(error) || error.code === 'UNAVAILABLE' || error.code === 'NOT_FOUND') throw error;
      const t = messagesFor(lang).actions;
      return showDraft(request, reply, request.params.id, statusOf[error.code], `${t.refused}: ${(t.refusedBecause as Record<string, string>)[error.code] ?? t.refusedBecause.other} (${error.message})`);
    }
  });
  app.post('/drafts/:id/delete', { config: { access: 'act' }, schema: { hide: true, params: onDraft, querystring: withLanguage, body: z.record(z.string(), z.unknown()) } }, async (request, reply) => {
    const lang = pageLanguage(request);
    if ((request.body as { confirm?: unknown }).confirm !== 'yes') return showDraft(request, reply, request.params.id, 400, messagesFor(lang).drafts.confirmRemove);
    await drafts.remove(request.params.id, identityOf(request));
    return reply.redirect(`/dashboard?lang=${lang}`, 303);
  });

  // Attaching a document from the application's page: multipart, in this scope only.
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    await acceptUploads(scope, documents.maxBytes);
    scope.post('/applications/:id/documents', { config: { access: 'act' }, schema: { hide: true, params: onApplication, querystring: withLanguage } }, async (request, reply) => {
      const identity = identityOf(request);
      const { id } = request.params;
      const lang = pageLanguage(request);
      await applications.authorize(identity, id);
      // The form's one "who sees it" choice is the API's unitKey or stepId.
      const { attachTo, ...fields } = (request.body ?? {}) as Record<string, unknown>;
      const [kind, key] = typeof attachTo === 'string' && attachTo.includes(':') ? attachTo.split(':', 2) : [];
      const values = { ...fields, ...(kind === 'unit' ? { unitKey: key } : kind === 'step' ? { stepId: key } : {}) };
      const kept = { documentId: fields.documentId, name: fields.name, attachTo };
      try {
        const { file, ...placement } = uploadOf(values);
        await documents.attach(id, file, placement, actorOf(identity, request.id));
        return reply.redirect(`/applications/${encodeURIComponent(id)}?lang=${lang}&done=document#documents`, 303);
      } catch (error) {
        if (!isDomainError(error) || error.code === 'UNAVAILABLE') throw error;
        return refusedOnPage(request, reply, id, 'document', kept, statusOf[error.code], refusalNotice(error, lang));
      }
    });
  });

  app.get(
    '/applications/:id',
    { config: { access: 'read' }, schema: { hide: true, params: onApplication, querystring: withLanguage.extend({ done: z.string().max(20).optional().catch(undefined) }) } },
    async (request, reply) => {
      const identity = identityOf(request);
      const { id } = request.params;
      const lang = pageLanguage(request);
      await applications.authorize(identity, id);
      const view = await historyView(id, { withChain: roleMay(identity.role, 'audit') });
      // Reading an application's history is on its trail too, as through the API.
      await applications.recordHistoryRead(id, actorOf(identity, request.id));
      const notices = messagesFor(lang).actions.done as Record<string, string>;
      const done = request.query.done && Object.hasOwn(notices, request.query.done) ? notices[request.query.done] : undefined;
      const actions = roleMay(identity.role, 'act') ? { csrf: csrfTokenFor(request, reply), ...(done ? { notice: { ok: true, text: done } } : {}) } : null;
      return reply.type('text/html; charset=utf-8').send(historyPage(view, lang, actions));
    },
  );
}

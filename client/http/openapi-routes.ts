import { escapeHtml } from '../../mail/html';
import { page } from './pages/layout';
import type { HttpApp } from './server';

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}

/**
 * The OpenAPI 3.1 document, generated from the routes' zod schemas, and a reference page made
 * from it on the server. The page needs no script, so it keeps the strict CSP of every page.
 */
export function addOpenApiRoutes(app: HttpApp): void {
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  app.get('/api/reference', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    const doc = app.swagger() as { info: { description?: string }; paths: Record<string, Record<string, Operation>> };
    const sections = Object.entries(doc.paths)
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })))
      .map(({ path, method, op }) => {
        const params = (op.parameters ?? []).map((p) => `<code>${escapeHtml(p.name)}</code> (${escapeHtml(p.in)}${p.required ? ', required' : ''})`).join(', ');
        const body = op.requestBody?.content?.['application/json']?.schema;
        return `<h2 id="${escapeHtml(`${method}-${path}`)}"><code>${method} ${escapeHtml(path)}</code></h2><p>${escapeHtml(op.summary ?? '')}</p>${params ? `<p>Parameters: ${params}</p>` : ''}${
          body ? `<details><summary>Request body</summary><pre>${escapeHtml(JSON.stringify(body, null, 2))}</pre></details>` : ''
        }`;
      })
      .join('\n');
    return reply
      .type('text/html; charset=utf-8')
      .send(page('k2flow API reference', `<p>${escapeHtml(doc.info.description ?? '')}</p><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>${sections}`));
  });
}

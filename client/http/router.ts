import type { IncomingMessage, ServerResponse } from 'node:http';

export type Params = Record<string, string>;
export type Handler = (req: IncomingMessage, res: ServerResponse, params: Params) => Promise<void>;

interface Route {
  method: string;
  /** The route's pattern doubles as its log name, so a path's secrets never reach a log line. */
  pattern: string;
  regex: RegExp;
  keys: string[];
  handler: Handler;
}

export interface Match {
  route: Pick<Route, 'pattern' | 'handler'>;
  params: Params;
}

/** A minimal method + path router; `:name` segments match one non-empty path segment. */
export function createRouter() {
  const routes: Route[] = [];
  const add = (method: string, pattern: string, handler: Handler) => {
    const keys: string[] = [];
    const source = pattern.replace(/:([a-zA-Z]+)/g, (_, key: string) => {
      keys.push(key);
      return '([^/]+)';
    });
    routes.push({ method, pattern, regex: new RegExp(`^${source}/?$`), keys, handler });
  };
  return {
    get: (p: string, h: Handler) => add('GET', p, h),
    post: (p: string, h: Handler) => add('POST', p, h),
    /** HEAD is served by the GET handler; node drops the body. */
    match(method: string, path: string): Match | 'method-not-allowed' | null {
      let pathMatched = false;
      for (const route of routes) {
        const m = route.regex.exec(path);
        if (!m) continue;
        pathMatched = true;
        if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) continue;
        const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)]));
        return { route, params };
      }
      return pathMatched ? 'method-not-allowed' : null;
    },
  };
}

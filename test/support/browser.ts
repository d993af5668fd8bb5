/**
 * Just enough of a browser for sign-in round trips across two sites: a cookie jar per host
 * (cookies ignore ports, as in a browser), redirects followed by hand, and forms submitted.
 */
export function cookieBrowser() {
  const jars = new Map<string, Map<string, string>>();
  const jarOf = (url: URL) => jars.get(url.hostname) ?? jars.set(url.hostname, new Map()).get(url.hostname)!;

  function keep(url: URL, response: Response) {
    const jar = jarOf(url);
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (expired) jar.delete(name);
      else jar.set(name, pair.slice(at + 1).trim());
    }
  }

  /** One request with the host's cookies; keeps the cookies it sets; does not follow redirects. */
  async function send(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const cookie = [...jarOf(target)].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(target, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    keep(target, response);
    return response;
  }

  /** Follows redirects from `url` (as GETs, as browsers do after 302/303) to the first page that is not one. */
  async function follow(url: string | URL, init: RequestInit = {}): Promise<{ url: URL; response: Response }> {
    let current = new URL(url);
    let response = await send(current, init);
    for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 20; hops++) {
      current = new URL(response.headers.get('location')!, current);
      response = await send(current);
    }
    return { url: current, response };
  }

  /** Submits the first form on `page` (at `pageUrl`) whose action matches, with its hidden fields and `fields`. */
  function submit(pageUrl: URL, page: string, action: RegExp, fields: Record<string, string> = {}) {
    const form = [...page.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)].find((m) => action.test(m[1]!));
    if (!form) throw new Error(`no form with an action like ${action} on ${pageUrl}:\n${page}`);
    const hidden = Object.fromEntries([...form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const body = new URLSearchParams({ ...hidden, ...fields });
    return follow(new URL(form[1]!.replaceAll('&amp;', '&'), pageUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  }

  return { send, follow, submit, cookiesOf: (url: string) => jarOf(new URL(url)) };
}

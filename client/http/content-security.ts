// The Content-Security-Policy of k2flow's pages: nothing loads from anywhere, styles are inline,
// forms post to this site only, and no page runs a script — except the coordinator's start form,
// which may run its one script from this site (assets/start-form.js). Approvers' pages never do:
// mail scanners open links and run what they find.

export const pageDirectives = {
  defaultSrc: ["'none'"],
  styleSrc: ["'unsafe-inline'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The header value for a page that may also run this site's own scripts. */
export const withOwnScripts = Object.entries({ ...pageDirectives, scriptSrc: ["'self'"] })
  .map(([name, values]) => `${kebab(name)} ${values.join(' ')}`)
  .join('; ');

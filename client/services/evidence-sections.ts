// An evidence export's audit trail is sealed by its hash chain; its other sections (the application,
// the requests and decisions, the documents, the emails) are not, so the server compares them with
// its database instead. Hashing them into the file would add no assurance: there is no signing
// key, so whoever edits the file recomputes any hash in it as easily as they edit it (the chain's
// head means something only because the database keeps it too). Offline, these sections are
// therefore not checked at all, and `k2flow verify` says so.

/**
 * The sections compared with the database. The Temporal summary is not among them: it comes from
 * Temporal, which keeps a closed workflow's history only for its namespace's retention period.
 */
export const COMPARED_SECTIONS = ['application', 'requests', 'documents', 'messages'] as const;

export type ExportSections = Partial<Record<(typeof COMPARED_SECTIONS)[number], unknown>>;

/** One value that differs, at its JSON path (`requests[0].status`); a side without it is undefined. */
export interface SectionDifference {
  path: string;
  exported?: string;
  database?: string;
}

/** The differences a page lists; a forged file may hold any number. */
export const MAX_DIFFERENCES = 20;
const MAX_SHOWN_CHARS = 120;

/** The compared sections of a parsed export, as they are in the file. */
export const sectionsOf = (raw: Record<string, unknown>): ExportSections => Object.fromEntries(COMPARED_SECTIONS.map((s) => [s, raw[s]]));

/**
 * Where the export's sections differ from the database's (both plain JSON), the first
 * MAX_DIFFERENCES in document order. Key order is irrelevant; a key present on one side only differs.
 */
export function sectionDifferences(exported: ExportSections, database: ExportSections): SectionDifference[] {
  const found: SectionDifference[] = [];
  const walk = (path: string, a: unknown, b: unknown): void => {
    if (found.length >= MAX_DIFFERENCES) return;
    const bothArrays = Array.isArray(a) && Array.isArray(b);
    const bothObjects = isObject(a) && isObject(b);
    if (bothArrays) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(`${path}[${i}]`, a[i], b[i]);
    } else if (bothObjects) {
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) walk(`${path}${step(key)}`, own(a, key), own(b, key));
    } else if (Array.isArray(a) || Array.isArray(b) || isObject(a) || isObject(b) || a !== b) {
      found.push({ path, exported: shown(a), database: shown(b) });
    }
  };
  for (const section of COMPARED_SECTIONS) walk(section, exported[section], database[section]);
  return found;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// A file's "__proto__" key is its own; on the other side it must not read the prototype.
const own = (o: Record<string, unknown>, key: string) => (Object.hasOwn(o, key) ? o[key] : undefined);
const step = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

function shown(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const json = JSON.stringify(value);
  return json.length > MAX_SHOWN_CHARS ? `${json.slice(0, MAX_SHOWN_CHARS - 1)}…` : json;
}

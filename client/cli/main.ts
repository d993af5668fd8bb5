import { isInProgress } from '../../domain/action-in-progress';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { ChainVerdict } from '../../domain/audit-chain';
import { isDomainError } from '../../domain/domain-error';
import { ApiError, createApiClient, MissingKeyError, UnreachableError } from './api-client';
import { storedKey, storeKey } from './credentials';
import { checkEvidenceFile } from '../services/evidence-file';
import { formatHistory, formatPreview, formatStatus } from './format';

/** Exit codes: 0 done, 1 refused by k2flow (bad input, wrong state), 2 usage, 3 k2flow unreachable or failing, 4 evidence altered. */
const usage = `Usage: k2flow <command> [options]

  start <file.json> [--idempotency-key KEY]   start an application from an input file
  status <id>                                 show an application's state
  history <id>                                show its audit trail and Temporal history
  messages <id>                               show every email sent for it and its delivery status
  resubmit <id> [unit-key] [--note TEXT] [--deadline ISO]
                                             resubmit work sent back with changes requested
  extend <id> [--unit KEY] --deadline ISO     extend the deadline of the step now waiting
  proceed <id> [--unit KEY]                   after a missed deadline, go on without the missing parties
  withdraw <id> --reason TEXT                 withdraw the application; pending links stop working
  add-unit <id> <unit.json>                   add a unit while sign-offs are being collected
  remove-unit <id> <unit-key> --reason TEXT   remove a unit; its pending links stop working
  list                                        list recent applications
  draft save <file.json> | draft list | draft preview <id> | draft send <id>
                                             keep an input (complete or not) as a draft, see who it would ask
                                             what and when, and start it once
  export <id> [--out FILE] [--csv | --pdf [--lang en]]
                                             admins, auditors: save the evidence (JSON; --csv: the audit
                                             trail; --pdf: a document to file, in Polish or English)
  verify <export.json | evidence.pdf>         check an evidence export's audit trail against its hashes (offline;
                                             the rest of the file is compared with the database at /evidence/verify)
  verify --application <id>                   check the database's audit trail of an application

  login --email EMAIL                         sign in (password from K2FLOW_PASSWORD or a prompt) and keep an API key
  logout                                      forget (and revoke) the API key kept for this address
  whoami                                      who the API key acts as
  keys list | keys create NAME | keys revoke ID   your API keys (admins: everyone's)
  users create-admin --email E --name N [--office KEY]
                                              put the first admin in the database at DATABASE_URL
                                              (password from K2FLOW_PASSWORD; none: sign-in through OIDC only)

Options: --json prints the API's JSON answer. K2FLOW_URL is k2flow's address (default http://localhost:3000).
Credentials: K2FLOW_API_KEY, or the key \`k2flow login\` keeps in ~/.config/k2flow/credentials.json (0600).`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      'idempotency-key': { type: 'string' },
      note: { type: 'string' },
      reason: { type: 'string' },
      unit: { type: 'string' },
      deadline: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      office: { type: 'string' },
      out: { type: 'string' },
      csv: { type: 'boolean' },
      pdf: { type: 'boolean' },
      lang: { type: 'string' },
      application: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const baseUrl = (process.env.K2FLOW_URL?.trim() || 'http://localhost:3000').replace(/\/+$/, '');
  if (command === 'users') return usersCommand(args, values);
  const api = createApiClient(baseUrl, process.env.K2FLOW_API_KEY?.trim() || (await storedKey(baseUrl)));
  // An action accepted and still being carried out (HTTP 202) says so, rather than what it will have done.
  const print = (answer: unknown, human: () => string) =>
    console.log(values.json ? JSON.stringify(answer, null, 2) : isInProgress(answer) ? answer.message : human());
  const need = (n: number, what: string, optional = 0) => {
    if (args.length < n || args.length > n + optional) throw new UsageError(`${command} needs ${what}.`);
    return args;
  };
  const reason = () => {
    if (!values.reason?.trim()) throw new UsageError(`${command} needs --reason "why".`);
    return values.reason;
  };

  switch (command) {
    case 'start': {
      const [file] = need(1, 'one input file');
      const input = await readInputFile(file!);
      const started = await api.start(input, values['idempotency-key']);
      print(started, () => `Started application ${started.id}`);
      return 0;
    }
    case 'status': {
      const [id] = need(1, 'an application id');
      const app = await api.status(id!);
      print(app, () => formatStatus(app));
      return 0;
    }
    case 'history': {
      const [id] = need(1, 'an application id');
      const history = await api.history(id!);
      print(history, () => formatHistory(history));
      return 0;
    }
    case 'messages': {
      const [id] = need(1, 'an application id');
      const answer = await api.messages(id!);
      print(answer, () =>
        answer.messages
          .map((m) => `${m.createdAt}  ${m.status.padEnd(8)} x${m.attempts}  ${m.toAddress}  ${m.subject}${m.lastError ? `  (last error: ${m.lastError}${m.nextAttemptAt ? `; next attempt ${m.nextAttemptAt}` : ''})` : ''}`)
          .join('\n') || 'No messages yet.',
      );
      return 0;
    }
    case 'resubmit': {
      const [id, unitKey] = need(1, 'an application id and, for a unit, its key', 1);
      const answer = await api.resubmit(id!, unitKey, values.note, values.deadline);
      print(answer, () => `Resubmitted ${unitKey ? `unit ${unitKey} of ` : ''}${id}; its parties are asked again.`);
      return 0;
    }
    case 'extend': {
      const [id] = need(1, 'an application id');
      if (!values.deadline?.trim()) throw new UsageError('extend needs --deadline <ISO 8601 date-time with a zone>.');
      const answer = await api.extendDeadline(id!, values.unit, values.deadline);
      print(answer, () => `The deadline is now ${answer.deadline} (moved to a working day if needed); reminders start over from it.`);
      return 0;
    }
    case 'proceed': {
      const [id] = need(1, 'an application id');
      const answer = await api.proceed(id!, values.unit);
      print(answer, () => `Going on without the missing parties${values.unit ? ` of unit ${values.unit}` : ''}.`);
      return 0;
    }
    case 'withdraw': {
      const [id] = need(1, 'an application id');
      const answer = await api.withdraw(id!, reason());
      print(answer, () => `Withdrew application ${id}; everyone with a pending link has been told.`);
      return 0;
    }
    case 'add-unit': {
      const [id, file] = need(2, 'an application id and a unit file');
      const answer = await api.addUnit(id!, await readInputFile(file!));
      print(answer, () => `Added the unit to ${id}.`);
      return 0;
    }
    case 'remove-unit': {
      const [id, unitKey] = need(2, 'an application id and a unit key');
      const answer = await api.removeUnit(id!, unitKey!, reason());
      print(answer, () => `Removed unit ${unitKey} from ${id}; its pending links stop working.`);
      return 0;
    }
    case 'export': {
      const [id] = need(1, 'an application id');
      if (values.csv && values.pdf) throw new UsageError('export takes --csv or --pdf, not both.');
      const kind = values.csv ? 'audit.csv' : values.pdf ? 'evidence.pdf' : 'evidence.json';
      const out = values.out ?? `${id}-${kind}`;
      const content = values.csv ? await api.auditCsv(id!) : values.pdf ? await api.evidencePdf(id!, values.lang === 'en' ? 'en' : 'pl') : `${JSON.stringify(await api.evidence(id!), null, 2)}\n`;
      await writeFile(out, content, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(error.code === 'EEXIST' ? `${out} already exists; choose another --out.` : `Cannot write ${out}: ${error.code ?? error.message}.`);
      });
      print({ written: out }, () => `Saved the ${values.csv ? 'audit trail' : 'evidence'} of ${id} to ${out}.`);
      return 0;
    }
    case 'verify': {
      if (values.application) {
        need(0, 'either an export file or --application <id>, not both');
        const verdict = await api.verifyTrail(values.application);
        print(verdict, () => verdictLine(verdict, `The database's audit trail of ${values.application}`));
        return verdict.intact ? 0 : 4;
      }
      const [file] = need(1, 'an evidence export file (JSON or PDF), or --application <id>');
      const checked = await checkEvidenceFile(await readFileBytes(file!));
      if (checked.kind === 'not-export') throw new UsageError(`${file} is not an evidence export k2flow can check: ${checked.why}.`);
      const { sections, ...verdict } = checked;
      print({ ...verdict, notCheckedOffline: [...Object.keys(sections), 'temporal'] }, () =>
        checked.intact
          ? `The audit trail in ${file} is intact (its hash chain is internally consistent): ${checked.length} records, chain head ${checked.head ?? '(empty)'}.\n` +
            'Not checked offline: the application, its requests and decisions, documents and emails in the file, nor its Temporal summary. ' +
            "No hash covers them: upload the file on k2flow's page /evidence/verify, which compares all of them but the Temporal summary with the database." +
            (checked.file === 'pdf' ? "\nOf the PDF's pages, only the printed chain head was checked, not their text." : '')
          : verdictLine(checked, `The audit trail in ${file}`),
      );
      return checked.intact ? 0 : 4;
    }
    case 'draft': {
      const [sub, arg] = args;
      if (sub === 'list' && args.length === 1) {
        const { drafts } = await api.listDrafts();
        print(drafts, () => drafts.map((d) => `${d.id}  ${d.variant.padEnd(28)} ${d.title || '(untitled)'}`).join('\n') || 'No drafts.');
        return 0;
      }
      if (args.length !== 2 || !['save', 'preview', 'send'].includes(sub!)) throw new UsageError('draft needs save <file.json>, list, preview <id> or send <id>.');
      if (sub === 'save') {
        const saved = await api.saveDraft(await readInputFile(arg!));
        print(saved, () => `Kept draft ${saved.id}; nothing was started or sent.`);
        return 0;
      }
      if (sub === 'preview') {
        const preview = await api.previewDraft(arg!);
        print(preview, () => formatPreview(arg!, preview));
        return preview.valid ? 0 : 1;
      }
      const sent = await api.sendDraft(arg!);
      print(sent, () => `Started application ${sent.id} from draft ${arg}`);
      return 0;
    }
    case 'list': {
      const { applications } = await api.list();
      print(applications, () => applications.map((a) => `${a.id}  ${String(a.status).padEnd(22)} ${a.title}`).join('\n') || 'No applications yet.');
      return 0;
    }
    case 'login': {
      need(0, 'no arguments');
      if (!values.email?.trim()) throw new UsageError('login needs --email <your email>.');
      const key = await login(baseUrl, values.email.trim(), await password());
      const file = await storeKey(baseUrl, key);
      print({ stored: file }, () => `Signed in to ${baseUrl}; the CLI keeps its API key in ${file}.`);
      return 0;
    }
    case 'logout': {
      need(0, 'no arguments');
      const key = await storedKey(baseUrl);
      // Revoked where k2flow can be reached; forgotten here in any case.
      if (key) await createApiClient(baseUrl, key).signOut().catch(() => undefined);
      await storeKey(baseUrl, null);
      print({ loggedOut: true }, () => `Forgot the API key for ${baseUrl}.`);
      return 0;
    }
    case 'whoami': {
      const { user } = await api.session();
      print(user, () => `${user.email} (${user.role}${user.office ? `, office ${user.office}` : ''})`);
      return 0;
    }
    case 'keys': {
      const [sub, arg] = need(1, '"list", "create NAME" or "revoke ID"', 1);
      if (sub === 'list') {
        const { keys } = await api.listKeys();
        print(keys, () => keys.map((k) => `${k.id}  ${k.start ?? ''}…  ${k.revoked ? 'revoked' : 'active '}  last used ${k.lastUsedAt ?? 'never'}  ${k.name ?? ''}`).join('\n') || 'No keys.');
      } else if (sub === 'create' && arg) {
        const { key } = await api.issueKey(arg);
        print(key, () => `${key.key}\n(shown once: keep it where your tools read it, e.g. K2FLOW_API_KEY)`);
      } else if (sub === 'revoke' && arg) {
        print(await api.revokeKey(arg), () => `Revoked key ${arg}; it stops working at once.`);
      } else throw new UsageError('keys needs "list", "create NAME" or "revoke ID".');
      return 0;
    }
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

/** A chain check in one sentence. */
function verdictLine(v: Pick<ChainVerdict, 'intact' | 'length' | 'head'> & { reason?: string }, what: string): string {
  return v.intact
    ? `${what} is intact: ${v.length} records, chain head ${v.head ?? '(empty)'}.`
    : `${what} was altered: ${v.reason}. Chain head ${v.head ?? '(empty)'}, ${v.length} records.`;
}

/** The password from K2FLOW_PASSWORD, or typed at a prompt (not echoed). */
async function password(): Promise<string> {
  const fromEnv = process.env.K2FLOW_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) throw new UsageError('Set K2FLOW_PASSWORD, or run this in a terminal to type the password.');
  process.stdout.write('Password: ');
  process.stdin.setRawMode(true);
  let typed = '';
  for await (const chunk of process.stdin) {
    for (const ch of String(chunk)) {
      if (ch === '\r' || ch === '\n') {
        process.stdin.setRawMode(false);
        process.stdout.write('\n');
        process.stdin.pause();
        return typed;
      }
      if (ch === '\u0003') throw new UsageError('Cancelled.');
      typed = ch === '\u007f' ? typed.slice(0, -1) : typed + ch;
    }
  }
  return typed;
}

/** Signs in with a password, then issues an API key for this machine with the session. */
async function login(baseUrl: string, email: string, secret: string): Promise<string> {
  const browser = createApiClient(baseUrl, 'session');
  await browser.signIn(email, secret);
  const { csrfToken } = await browser.session();
  const { key } = await browser.issueKey(`k2flow login on ${hostname()}`, { 'x-csrf-token': csrfToken ?? '' });
  // The key outlives the session, which is ended at once.
  await browser.signOut({ 'x-csrf-token': csrfToken ?? '' });
  return key.key;
}

/** `users create-admin`: straight into the database, for the first admin of a deployment. */
async function usersCommand(args: string[], values: { email?: string; name?: string; office?: string; json?: boolean }): Promise<number> {
  if (args[0] !== 'create-admin' || args.length !== 1) throw new UsageError('users needs "create-admin --email E --name N [--office KEY]".');
  const databaseUrl = process.env.DATABASE_URL?.trim();
  if (!databaseUrl) throw new UsageError('users create-admin writes to the database: set DATABASE_URL.');
  const [{ createDb }, { createAuth }, { createPeopleService }] = await Promise.all([import('../../db/prisma-client'), import('../../auth/create-auth'), import('../../auth/people')]);
  const db = createDb(databaseUrl, { maxConnections: 1 });
  try {
    // The secret signs cookies only; creating a person needs none of it.
    const auth = createAuth({ db, secret: randomBytes(32).toString('hex'), publicUrl: 'http://localhost' });
    const user = await createPeopleService({ auth, db }).create({ email: values.email, name: values.name, role: 'admin', office: values.office, password: process.env.K2FLOW_PASSWORD || undefined }, `k2flow users create-admin (${userInfo().username})`);
    console.log(values.json ? JSON.stringify(user, null, 2) : `Created admin ${user.email}${process.env.K2FLOW_PASSWORD ? '' : ' (no password: signs in through the identity provider)'}.`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

async function readFileBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}

async function readInputFile(file: string): Promise<unknown> {
  const text = (await readFileBytes(file)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}.`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
    console.error(`k2flow: ${error.message}\n\n${usage}`);
    process.exitCode = 2;
  } else if (error instanceof MissingKeyError) {
    console.error(`k2flow: ${error.message}`);
    process.exitCode = 3;
  } else if (isDomainError(error)) {
    const problems = error.problems.map((p) => `\n  - ${p.path}: ${p.message}`).join('');
    console.error(`k2flow: refused: ${problems ? error.message.split(': ')[0] + ':' + problems : error.message}`);
    process.exitCode = 1;
  } else if (error instanceof ApiError) {
    const problems = error.body.error?.problems ?? [];
    // With field problems, the summary line plus one line per field reads better than the joined message.
    const message = problems.length ? `${error.message.split(': ')[0]}:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}` : error.message;
    const unauthenticated = error.status === 401;
    console.error(`k2flow: ${error.status >= 500 ? 'k2flow failed' : unauthenticated ? 'not signed in' : 'refused'}: ${message}${unauthenticated ? ' Run `k2flow login`, or set K2FLOW_API_KEY.' : ''}`);
    process.exitCode = error.status >= 500 || unauthenticated ? 3 : 1;
  } else if (error instanceof UnreachableError) {
    console.error(`k2flow: ${error.message}`);
    process.exitCode = 3;
  } else {
    throw error;
  }
}

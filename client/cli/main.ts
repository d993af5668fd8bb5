import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ApiError, createApiClient, UnreachableError } from './api-client';
import { formatHistory, formatStatus } from './format';

/** Exit codes: 0 done, 1 refused by k2flow (bad input, wrong state), 2 usage, 3 k2flow unreachable or failing. */
const usage = `Usage: k2flow <command> [options]

  start <file.json> [--idempotency-key KEY]   start an application from an input file
  status <id>                                 show an application's state
  history <id>                                show its audit trail and Temporal history
  messages <id>                               show every email sent for it and its delivery status
  resubmit <id> [unit-key] [--note TEXT]      resubmit work sent back with changes requested
  extend <id> [--unit KEY] --deadline ISO     extend the deadline of the step now waiting
  proceed <id> [--unit KEY]                   after a missed deadline, go on without the missing parties
  withdraw <id> --reason TEXT                 withdraw the application; pending links stop working
  add-unit <id> <unit.json>                   add a unit while sign-offs are being collected
  remove-unit <id> <unit-key> --reason TEXT   remove a unit; its pending links stop working
  list                                        list recent applications

Options: --json prints the API's JSON answer. K2FLOW_URL is k2flow's address (default http://localhost:3000).`;

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
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const api = createApiClient(process.env.K2FLOW_URL?.trim() || 'http://localhost:3000');
  const print = (answer: unknown, human: () => string) => console.log(values.json ? JSON.stringify(answer, null, 2) : human());
  const need = (n: number, what: string, optional = 0) => {
    if (args.length < n || args.length > n + optional) throw new UsageError(`${command} needs ${what}.`);
    return args as string[];
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
          .map((m) => `${m.createdAt}  ${m.status.padEnd(7)} x${m.attempts}  ${m.toAddress}  ${m.subject}${m.lastError ? `  (last error: ${m.lastError})` : ''}`)
          .join('\n') || 'No messages yet.',
      );
      return 0;
    }
    case 'resubmit': {
      const [id, unitKey] = need(1, 'an application id and, for a unit, its key', 1);
      const answer = await api.resubmit(id!, unitKey, values.note);
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
    case 'list': {
      const { applications } = await api.list();
      print(applications, () => applications.map((a) => `${a.id}  ${String(a.status).padEnd(22)} ${a.title}`).join('\n') || 'No applications yet.');
      return 0;
    }
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

async function readInputFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
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
  } else if (error instanceof ApiError) {
    const problems = error.body.error?.problems ?? [];
    // With field problems, the summary line plus one line per field reads better than the joined message.
    const message = problems.length ? `${error.message.split(': ')[0]}:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}` : error.message;
    console.error(`k2flow: ${error.status >= 500 ? 'k2flow failed' : 'refused'}: ${message}`);
    process.exitCode = error.status >= 500 ? 3 : 1;
  } else if (error instanceof UnreachableError) {
    console.error(`k2flow: ${error.message}`);
    process.exitCode = 3;
  } else {
    throw error;
  }
}

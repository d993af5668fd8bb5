import type { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import protos from '@temporalio/proto';
import { k2SearchAttributeKeys } from '../../workflows/search-attributes';

const { IndexedValueType } = protos.temporal.api.enums.v1;
const indexed: Partial<Record<SearchAttributeType, protos.temporal.api.enums.v1.IndexedValueType>> = {
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};
const cliType: Partial<Record<SearchAttributeType, string>> = { [SearchAttributeType.KEYWORD]: 'Keyword', [SearchAttributeType.DATETIME]: 'Datetime' };

/**
 * Makes sure the namespace has k2flow's search attributes before the server starts applications
 * with them (a start naming an unknown attribute is refused). Adds the missing ones where the
 * connection may (a self-hosted cluster, the dev server); otherwise the error says how to.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string, log: (line: string) => void): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = k2SearchAttributeKeys.filter((key) => !(key.name in (customAttributes ?? {})));
  if (!missing.length) return;
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexed[key.type]!])) });
    log(`Registered the search attributes ${missing.map((k) => k.name).join(', ')} in Temporal namespace ${namespace}.`);
  } catch (error) {
    const commands = missing.map((k) => `temporal operator search-attribute create --namespace ${namespace} --name ${k.name} --type ${cliType[k.type]}`).join('; ');
    throw new Error(`Temporal namespace ${namespace} lacks k2flow's search attributes ${missing.map((k) => k.name).join(', ')}, and k2flow could not add them (${(error as Error).message}). Create them once (on Temporal Cloud, in its UI or with tcld): ${commands}`);
  }
}

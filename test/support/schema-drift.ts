import { get_dmmf } from '@prisma/prisma-schema-wasm';
import type pg from 'pg';

/**
 * Compares a Prisma schema with a live PostgreSQL schema: tables, columns (type, nullability),
 * enums and indexes (columns, uniqueness), in both directions. Returns one sentence per difference.
 */
export async function findSchemaDrift(client: pg.Client, schemaText: string, dbSchema: string): Promise<string[]> {
  const expected = expectedFromPrisma(schemaText);
  const actual = await actualFromDatabase(client, dbSchema);
  return [...diff(expected.columns, actual.columns, 'column'), ...diff(expected.indexes, actual.indexes, 'index'), ...diff(expected.enums, actual.enums, 'enum')];
}

type Facts = Map<string, string>;

function diff(expected: Facts, actual: Facts, what: string): string[] {
  const problems: string[] = [];
  for (const [key, value] of expected) {
    if (!actual.has(key)) problems.push(`${what} ${key} is in schema.prisma but not in the migrated database`);
    else if (actual.get(key) !== value) problems.push(`${what} ${key}: schema.prisma says ${value}, the database has ${actual.get(key)}`);
  }
  for (const key of actual.keys()) if (!expected.has(key)) problems.push(`${what} ${key} is in the migrated database but not in schema.prisma`);
  return problems;
}

// Prisma's default PostgreSQL column type for each scalar, as information_schema reports it.
const scalarTypes: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

interface DmmfField { name: string; kind: string; type: string; isRequired: boolean; isList: boolean; dbName?: string | null; nativeType?: [string, string[]] | null }
interface DmmfModel { name: string; dbName: string | null; fields: DmmfField[] }
interface DmmfIndex { model: string; type: 'id' | 'unique' | 'normal' | 'fulltext'; fields: Array<{ name: string }> }

function expectedFromPrisma(schemaText: string) {
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]] }))).datamodel as {
    models: DmmfModel[];
    enums: Array<{ name: string; values: Array<{ name: string }> }>;
    indexes: DmmfIndex[];
  };
  const columns: Facts = new Map();
  const tableOf = new Map(dmmf.models.map((m) => [m.name, m.dbName ?? m.name]));
  const columnOf = new Map<string, string>();
  for (const model of dmmf.models) {
    for (const f of model.fields) {
      if (f.kind === 'object') continue;
      const column = f.dbName ?? f.name;
      columnOf.set(`${model.name}.${f.name}`, column);
      if (f.nativeType) throw new Error(`@db.${f.nativeType[0]} on ${model.name}.${f.name}: teach findSchemaDrift its type name`);
      const base = f.kind === 'enum' ? `enum ${f.type}` : scalarTypes[f.type];
      columns.set(`${tableOf.get(model.name)}.${column}`, `${base}${f.isList ? '[]' : ''} ${f.isRequired ? 'not null' : 'null'}`);
    }
  }
  const indexes: Facts = new Map();
  for (const index of dmmf.indexes) {
    const cols = index.fields.map((f) => columnOf.get(`${index.model}.${f.name}`) ?? f.name);
    indexes.set(`${tableOf.get(index.model)}(${cols.join(', ')})`, index.type === 'normal' ? 'non-unique' : 'unique');
  }
  const enums: Facts = new Map(dmmf.enums.map((e) => [e.name, e.values.map((v) => v.name).join(',')]));
  return { columns, indexes, enums };
}

async function actualFromDatabase(client: pg.Client, schema: string) {
  const columns: Facts = new Map();
  const { rows: cols } = await client.query(
    `SELECT c.table_name, c.column_name, c.is_nullable, c.data_type, c.udt_name, c.datetime_precision,
            format_type(a.atttypid, a.atttypmod) AS formatted
       FROM information_schema.columns c
       JOIN pg_attribute a ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass AND a.attname = c.column_name
      WHERE c.table_schema = $1 AND c.table_name <> '_prisma_migrations'`,
    [schema],
  );
  for (const c of cols) {
    const type = c.data_type === 'USER-DEFINED' ? `enum ${c.udt_name}` : c.formatted;
    columns.set(`${c.table_name}.${c.column_name}`, `${type} ${c.is_nullable === 'YES' ? 'null' : 'not null'}`);
  }
  const indexes: Facts = new Map();
  const { rows: idx } = await client.query(
    `SELECT t.relname AS table_name, ix.indisunique AS is_unique,
            array_agg(a.attname::text ORDER BY k.ord) AS columns
       FROM pg_index ix
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = $1 AND t.relname <> '_prisma_migrations'
      GROUP BY t.relname, ix.indexrelid, ix.indisunique`,
    [schema],
  );
  for (const i of idx) indexes.set(`${i.table_name}(${i.columns.join(', ')})`, i.is_unique ? 'unique' : 'non-unique');
  const enums: Facts = new Map();
  const { rows: en } = await client.query(
    `SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1 GROUP BY t.typname`,
    [schema],
  );
  for (const e of en) enums.set(e.typname, e.labels);
  return { columns, indexes, enums };
}

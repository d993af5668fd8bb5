/** A setting the orchestrator hands its children. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: benchmark children are started by npm run bench.`);
  return value;
}

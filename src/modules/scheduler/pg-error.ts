/** SQLSTATEs per constraint kind: a foreign key declared ON DELETE RESTRICT reports `23001` on PostgreSQL 17 (PGlite). */
const CODES = { unique: ['23505'], 'foreign-key': ['23503', '23001'] } as const;

/** Whether a query failed on a unique or foreign-key constraint. */
export function violated(error: unknown, constraint: 'unique' | 'foreign-key'): boolean {
  const code = (error as { code?: string }).code;
  return code !== undefined && (CODES[constraint] as readonly string[]).includes(code);
}

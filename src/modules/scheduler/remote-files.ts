import picomatch from 'picomatch';

/** A regular file seen in a remote directory. */
export interface RemoteEntry {
  name: string;
  size: number;
  /** Modification time, in milliseconds since the epoch (SFTP gives whole seconds). */
  modifiedAt: number;
}

export type CompletionRule = 'stable' | 'marker';
export type AfterImport = 'move' | 'rename' | 'delete';

export const MARKER_SUFFIX = '.done';
export const PROCESSED_DIR = 'processed';
export const FAILED_DIR = 'failed';
export const IMPORTED_SUFFIX = '.imported';

/** Whether a file name matches a schedule's name or glob (`*`, `?`, `[abc]`, `{a,b}`; never across `/`). */
export function matchesPattern(name: string, pattern: string): boolean {
  return picomatch.isMatch(name, pattern, { dot: true, nobrace: false, noextglob: true });
}

/**
 * The files a run may consider: matching the pattern, not a marker themselves, and with the `marker` rule only
 * those whose `<name>.done` marker exists.
 */
export function candidateFiles(entries: readonly RemoteEntry[], pattern: string, rule: CompletionRule): RemoteEntry[] {
  const names = new Set(entries.map((entry) => entry.name));
  return entries.filter(
    (entry) =>
      !entry.name.endsWith(MARKER_SUFFIX) &&
      matchesPattern(entry.name, pattern) &&
      (rule === 'stable' || names.has(entry.name + MARKER_SUFFIX)),
  );
}

/**
 * The stability rule: of the files seen at the first look, those seen again at the second with the same size and
 * modification time (still being written otherwise, or gone).
 */
export function settledFiles(
  first: readonly RemoteEntry[],
  second: readonly RemoteEntry[],
): { settled: RemoteEntry[]; unsettled: RemoteEntry[] } {
  const later = new Map(second.map((entry) => [entry.name, entry]));
  const settled: RemoteEntry[] = [];
  const unsettled: RemoteEntry[] = [];
  for (const entry of first) {
    const again = later.get(entry.name);
    if (again && again.size === entry.size && again.modifiedAt === entry.modifiedAt) settled.push(again);
    else unsettled.push(entry);
  }
  return { settled, unsettled };
}

/** Joins remote path parts with `/` whatever the local system. */
export function remotePath(directory: string, ...names: string[]): string {
  const base = directory.replace(/\/+$/, '') || (directory.startsWith('/') ? '' : '.');
  return [base, ...names].join('/');
}

/** Where an imported file goes: `processed/<name>`, `<name>.imported` beside it, or nowhere (deleted). */
export function afterImportPath(directory: string, name: string, action: AfterImport): string | null {
  switch (action) {
    case 'move':
      return remotePath(directory, PROCESSED_DIR, name);
    case 'rename':
      return remotePath(directory, name + IMPORTED_SUFFIX);
    case 'delete':
      return null;
  }
}

/** A name not yet taken in the target directory: `contacts.csv`, else `contacts-<suffix>.csv`. */
export function distinctName(name: string, suffix: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}-${suffix}${name.slice(dot)}` : `${name}-${suffix}`;
}

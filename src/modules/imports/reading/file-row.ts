/** One record of an uploaded file, as text cells. */
export interface FileRow {
  /** 1-based: the physical line where the record starts (CSV/TXT), or the spreadsheet row number (workbook). */
  line: number;
  cells: string[];
}

/** Whether every cell of a row is empty or white space. */
export const isBlankRow = (cells: readonly string[]): boolean => cells.every((cell) => cell.trim() === '');

/** `cells` without the empty cells past `width` (e.g. left by trailing separators). */
export function trimTrailingEmpty(cells: readonly string[], width: number): string[] {
  let end = cells.length;
  while (end > width && cells[end - 1].trim() === '') end--;
  return cells.slice(0, end);
}

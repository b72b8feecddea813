// Rows read back through `to_jsonb(...)` in raw SQL carry their timestamps as
// ISO strings; these turn the named columns back into Dates.
export function withDates<T extends object>(row: T, columns: readonly (keyof T)[]): T {
  const copy = { ...row };
  for (const column of columns) {
    const value = row[column];
    if (value !== null && value !== undefined) copy[column] = new Date(value as unknown as string) as T[keyof T];
  }
  return copy;
}

// PostgreSQL text cannot hold NUL characters: user input that carries one is
// refused up front instead of failing inside the database.

/** An id that cannot name anything we store (callers answer NOT_FOUND or null). */
export function isStorableId(id: string): boolean {
  return id.length > 0 && id.length <= 512 && !id.includes('\u0000');
}

/** Text that can be stored as it is. */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000');
}

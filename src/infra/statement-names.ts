// Names for Prisma's statements on PostgreSQL (@prisma/adapter-pg's
// statementNameGenerator): a named statement is parsed and planned once per
// connection, then only bound and executed. Our send statement spends about as
// long being planned as being run. pg keeps every named statement of a
// connection for the connection's life, so only the first `max` distinct SQL
// texts get a name; any later one runs unnamed (the empty name), as before.
export function statementNames(max = 500): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined) {
      if (names.size >= max) return '';
      names.set(sql, (name = `prisma_${names.size}`));
    }
    return name;
  };
}

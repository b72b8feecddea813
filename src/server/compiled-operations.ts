// graphql-jit for what the server executes again and again: the queries and
// mutations clients send over their WebSocket, and each subscription's
// selection once per event. For every field graphql-js builds an argument
// map, a path, a resolve info and a result map (about 9 µs and several KB
// for a small event selection); the compiled function calls the same
// resolvers and reads the other fields straight off the objects (about
// 0.3 µs). HTTP keeps graphql-js through Yoga, so the WebSocket = HTTP tests
// hold the two executors to the same answers.
//
// graphql-jit reads a field that has no resolver straight off its source,
// where graphql-js's default resolver would call a function found there: our
// sources are data (Prisma records, decoded events, Pothos's connection
// objects), never objects with methods.
//
// A document is compiled the `compileAfter`-th time it executes, not before:
// one that comes once (a probe, an attacker's variations) costs no
// compilation. One that cannot be compiled executes with graphql-js.
import { execute, type DocumentNode, type ExecutionArgs } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { isPromise } from 'graphql-yoga';

type Result = ReturnType<typeof execute>;

interface Entry {
  executions: number;
  /** null: compiling failed, graphql-js executes it. */
  compiled?: CompiledQuery | null;
}

export class CompiledOperations {
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, Entry>>();

  /** `compileAfter`: executions of a document (and operation) before it is compiled; 0 never compiles. */
  constructor(private readonly compileAfter: number) {}

  /** graphql-js's `execute`, through the compiled document once it is. */
  execute(args: ExecutionArgs): Result {
    const compiled = this.compiled(args);
    if (!compiled) return execute(args);
    const result = compiled.query(args.rootValue, args.contextValue, args.variableValues ?? {});
    // Variables that do not coerce are answered before anything executes
    // (no data): graphql-js words those errors as HTTP does.
    if (!isPromise(result) && !('data' in result)) return execute(args);
    return result as Result;
  }

  /** Whether the document's operation runs compiled (for tests). */
  isCompiled(document: DocumentNode, operationName?: string): boolean {
    return !!this.byDocument.get(document)?.get(operationName ?? '')?.compiled;
  }

  private compiled(args: ExecutionArgs): CompiledQuery | null | undefined {
    if (this.compileAfter === 0) return undefined;
    let byOperation = this.byDocument.get(args.document);
    if (!byOperation) this.byDocument.set(args.document, (byOperation = new Map()));
    const name = args.operationName ?? '';
    let entry = byOperation.get(name);
    if (!entry) byOperation.set(name, (entry = { executions: 0 }));
    if (entry.compiled !== undefined) return entry.compiled;
    if (++entry.executions < this.compileAfter) return undefined;
    const compiled = compileQuery(args.schema, args.document, args.operationName ?? undefined);
    entry.compiled = isCompiledQuery(compiled) ? compiled : null;
    return entry.compiled;
  }
}

// Fan-out is the hot path. graphql-js executes a subscription's selection set
// once per subscriber per event; with 500 subscribers of one conversation that
// is 500 identical executions per message. Here one execution serves every
// subscriber that shares the event, the document, the variables and (only
// when the selection reads viewer-dependent fields) the viewer. Per-subscriber
// effects (delivery marks, metrics) still run for every subscriber. Both are
// declared on the schema's fields (realtime/field-rules.ts). Over our
// WebSocket, the result is also serialized once and written to each socket
// directly (direct-delivery.ts).
import {
  Kind,
  TypeInfo,
  createSourceEventStream,
  execute,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { isAsyncIterable, isPromise, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { EventQueue, type EventSink } from '../realtime/event-queue.js';
import { deliveryEffect, isViewerDependent, viewerClassifiers, type DeliveryEffect, type ViewerClassifier } from '../realtime/field-rules.js';
import type { CompiledOperations } from './compiled-operations.js';
import { FrameWriter, type OperationChannel, type Payload } from './direct-delivery.js';

export interface SharedExecutionOptions {
  /** The server's error masking (Yoga's), for payloads written directly to sockets. */
  maskError: (error: GraphQLError) => Error;
  /** FrameWriter's: how long a socket written to keeps further frames to write them together. */
  flushIntervalMs: number;
  /** Executes each event's selection (compiled once it has run a few times). */
  operations: CompiledOperations;
}

type Result = ReturnType<typeof execute>;

/** A subscription's sharing key: fixed, or completed per event by the viewer's classes. */
interface SharingKey {
  base: string;
  viewerId?: string;
  classifiers?: ViewerClassifier[];
}

function keyFor(key: SharingKey, event: unknown): string {
  if (!key.classifiers) return key.base;
  let classes = key.base;
  for (const classify of key.classifiers) classes += `${classify(event, key.viewerId!)};`;
  return classes;
}

/** What every subscription of the process shares: per event, its results and serialized payloads by key. */
class Executions {
  readonly results = new WeakMap<object, Map<string, Result>>();
  private readonly payloads = new WeakMap<object, Map<string, Payload>>();
  // Every subscriber of an event asks for its payload in a row: remember the last event's.
  private lastEvent: object | undefined;
  private lastPayloads: Map<string, Payload> | undefined;
  readonly writer: FrameWriter;
  private readonly documentIds = new WeakMap<DocumentNode, number>();
  /** The viewer-dependent fields (`Type.field`) each document reads. */
  private readonly viewerDependence = new WeakMap<DocumentNode, string[]>();
  private nextDocumentId = 0;

  constructor(
    readonly maskError: (error: GraphQLError) => Error,
    flushIntervalMs: number,
    readonly operations: CompiledOperations,
  ) {
    this.writer = new FrameWriter(flushIntervalMs);
  }

  /**
   * Subscribers with the same key get the same result for an event: the same
   * document and variables, and, when the selection reads viewer-dependent
   * fields, the same viewer, or the same classes of viewer for this event
   * when the subscription field classifies every one of them (field-rules.ts).
   */
  keyOf(args: ExecutionArgs, viewerId: string | undefined, field: string | undefined): SharingKey {
    let id = this.documentIds.get(args.document);
    if (id === undefined) this.documentIds.set(args.document, (id = this.nextDocumentId++));
    let fields = this.viewerDependence.get(args.document);
    if (fields === undefined) this.viewerDependence.set(args.document, (fields = viewerDependentFields(args.schema, args.document)));
    const base = `${id}|${args.operationName ?? ''}|${JSON.stringify(args.variableValues ?? {})}|`;
    if (fields.length === 0) return { base: `${base}*` };
    const classifiers = field && viewerId !== undefined ? viewerClassifiers(args.schema, field) : {};
    if (viewerId === undefined || fields.some((f) => !classifiers[f])) return { base: `${base}v:${viewerId ?? ''}` };
    return { base: `${base}c:`, viewerId, classifiers: fields.map((f) => classifiers[f]!) };
  }

  /** Serialized payloads of one event, by key. */
  payloadsOf(event: object): Map<string, Payload> {
    if (event === this.lastEvent) return this.lastPayloads!;
    let byKey = this.payloads.get(event);
    if (!byKey) this.payloads.set(event, (byKey = new Map()));
    this.lastEvent = event;
    this.lastPayloads = byKey;
    return byKey;
  }

  serialize(result: Result): Payload {
    const toJson = (r: ExecutionResult) => Buffer.from(JSON.stringify(r.errors ? { ...r, errors: r.errors.map(this.maskError) } : r));
    return isPromise(result) ? result.then(toJson) : toJson(result);
  }
}

/**
 * One subscription. An object with methods rather than closures: an idle
 * socket's subscription should cost a few fields, not a dozen functions.
 * As an EventSink it writes each event's `next` frame to its socket, in event
 * order even when some executions are asynchronous.
 */
class SharedSubscription implements EventSink<unknown> {
  /** Set when the subscription is written directly: ended when a payload fails. */
  stream: EventQueue<unknown> | undefined;
  /** The last frame still waiting for an asynchronous execution. */
  private tail: Promise<void> | undefined;
  /** `{"id":…,"type":"next","payload":` of this subscription's frames. */
  private frameHead: Buffer | undefined;
  /** Whether the socket was past its high-water mark after this subscription's last frame. */
  private congested = false;

  constructor(
    private readonly executions: Executions,
    private readonly args: ExecutionArgs,
    private readonly key: SharingKey,
    private readonly effect: DeliveryEffect | undefined,
  ) {}

  private get ctx(): Context {
    return this.args.contextValue as Context;
  }

  /** For a subscription served through its iterator. */
  next(event: unknown): Result {
    this.effect?.(event, this.ctx);
    return this.result(event);
  }

  /** This event's result for every subscriber with the same key, executed by the first to ask. */
  private result(event: unknown, key = keyFor(this.key, event)): Result {
    if (typeof event !== 'object' || event === null) return this.executions.operations.execute({ ...this.args, rootValue: event });
    let byKey = this.executions.results.get(event);
    if (!byKey) this.executions.results.set(event, (byKey = new Map()));
    let result = byKey.get(key);
    if (!result) {
      // The executing context may have served earlier events: start with fresh loaders.
      this.ctx.loaders.clearAll();
      this.ctx.services.metrics.subscriptionExecutions.inc();
      result = this.executions.operations.execute({ ...this.args, rootValue: event });
      byKey.set(key, result);
    }
    return result;
  }

  /** The result serialized, once per event and key. */
  private payload(event: unknown): Payload {
    if (typeof event !== 'object' || event === null) return this.executions.serialize(this.result(event));
    const byKey = this.executions.payloadsOf(event);
    const key = keyFor(this.key, event);
    let payload = byKey.get(key);
    if (payload === undefined) byKey.set(key, (payload = this.executions.serialize(this.result(event, key))));
    return payload;
  }

  write(event: unknown): void {
    this.effect?.(event, this.ctx);
    const payload = this.payload(event);
    if (this.tail === undefined && !isPromise(payload)) return this.send(payload);
    const next: Promise<void> = (this.tail ?? Promise.resolve())
      .then(() => payload)
      .then((json) => this.send(json))
      .catch((error: unknown) => this.stream?.end(error))
      .finally(() => {
        if (this.tail === next) this.tail = undefined;
      });
    this.tail = next;
  }

  settled(): Promise<void> {
    return this.tail ?? Promise.resolve();
  }

  /**
   * Frames the peer has not taken. 0 while the socket stays under its
   * high-water mark: frames corked until the end of the turn or the socket's
   * flush interval (a burst of events) are not a backlog, and a reading
   * subscriber's socket state is not read per event.
   */
  backlog(): number {
    return this.congested ? this.executions.writer.backlog(this.channel.socket) : 0;
  }

  private get channel(): OperationChannel {
    return this.ctx.channel as OperationChannel;
  }

  private send(payload: Buffer): void {
    this.frameHead ??= Buffer.from(`{"id":${JSON.stringify(this.channel.id)},"type":"next","payload":`);
    this.congested = !this.executions.writer.writeNext(this.channel.socket, this.frameHead, payload);
  }
}

export interface SharedSubscriptions {
  /** For subscriptions that go through Yoga (HTTP, SSE). */
  plugin: Plugin<Context>;
  /**
   * graphql-js's `subscribe` with shared execution, for our WebSocket: there
   * a subscription needs none of envelop's per-operation wrappers (ws.ts).
   */
  subscribe(args: ExecutionArgs): Promise<AsyncIterable<unknown> | ExecutionResult>;
  /** Writes the frames of our WebSocket, these subscriptions' and graphql-ws's own. */
  writer: FrameWriter;
  /** Whether `subscribe` diverted this stream to write its frames itself (masked there): the transport only awaits its end. */
  writesItself(stream: object): boolean;
}

export function createSharedSubscriptions({ maskError, flushIntervalMs, operations }: SharedExecutionOptions): SharedSubscriptions {
  const executions = new Executions(maskError, flushIntervalMs, operations);
  const diverted = new WeakSet<object>();
  const subscribe = async (args: ExecutionArgs) => {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream;
    const ctx = args.contextValue as Context;
    const field = rootField(args);
    const subscription = new SharedSubscription(
      executions,
      args,
      executions.keyOf(args, ctx.viewer?.id, field),
      field ? deliveryEffect(args.schema, field) : undefined,
    );
    if (ctx.channel && stream instanceof EventQueue) {
      subscription.stream = stream;
      stream.divert(subscription);
      diverted.add(stream);
      return stream;
    }
    return mapAsyncIterator(stream, (event: unknown) => subscription.next(event) as ExecutionResult | Promise<ExecutionResult>);
  };
  return {
    subscribe,
    writer: executions.writer,
    writesItself: (stream) => diverted.has(stream),
    plugin: {
      onSubscribe({ setSubscribeFn }) {
        setSubscribeFn(subscribe);
      },
    },
  };
}

function rootField(args: ExecutionArgs): string | undefined {
  const operation = args.document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!args.operationName || d.name?.value === args.operationName),
  );
  const first = operation?.selectionSet.selections[0];
  return first?.kind === Kind.FIELD ? first.name.value : undefined;
}

function viewerDependentFields(schema: GraphQLSchema, document: DocumentNode): string[] {
  const typeInfo = new TypeInfo(schema);
  const fields = new Set<string>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const field = typeInfo.getFieldDef();
        if (isViewerDependent(field)) fields.add(`${typeInfo.getParentType()?.name}.${field!.name}`);
      },
    }),
  );
  return [...fields];
}

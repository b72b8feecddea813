// Text that PostgreSQL cannot hold, or would hold changed, is refused at the
// door instead of failing (or colliding) inside the database: NUL cannot be
// stored in text, and a lone surrogate becomes U+FFFD on its way to UTF-8, so
// that "\uD800" and "\uDC00" would be stored as the same string.
import {
  defaultFieldResolver,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  GraphQLString,
  type GraphQLArgument,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { badUserInput } from '../errors.js';

/** With the `u` flag a paired surrogate is one code point, so \p{Cs} matches lone ones only. */
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;

/** Text that is stored exactly as it came: no NUL, no lone surrogate. */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

/** An id that cannot name anything we store (callers answer NOT_FOUND or null). */
export function isStorableId(id: string): boolean {
  return id.length > 0 && id.length <= 512 && isStorableText(id);
}

/** C0 and C1 control characters and DEL. */
const CONTROL_CHARACTER = /\p{Cc}/u;
const CONTROL_CHARACTERS = /\p{Cc}/gu;

export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}

/** The text without control characters, lone surrogates made U+FFFD, cut to `maxCodePoints`. */
export function cleanText(text: string, maxCodePoints: number): string {
  const clean = text.replace(CONTROL_CHARACTERS, '').replace(LONE_SURROGATES, '\uFFFD').trim();
  const codePoints = [...clean];
  return codePoints.length > maxCodePoints ? codePoints.slice(0, maxCodePoints).join('').trim() : clean;
}

/**
 * Wraps the resolver (and subscriber) of every field that takes a String
 * somewhere in its arguments, so that every text input of every operation,
 * over every transport, refuses NUL and lone surrogates with BAD_USER_INPUT
 * before a service sees it. ID arguments are left to the services: a
 * malformed id answers NOT_FOUND, like an unknown one (contract, "Ids").
 * Fields without String arguments keep their resolver as it is.
 */
export function refuseMalformedText(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.args.some((arg) => takesString(arg.type, new Set()))) continue;
      const check = (args: Record<string, unknown>) => {
        for (const arg of field.args) {
          if (!isWellFormedInput(args[arg.name], arg.type)) throw badUserInput(`${arg.name} must not contain NUL characters or lone surrogates.`);
        }
      };
      field.resolve = guarded(field.resolve ?? defaultFieldResolver, check);
      if (field.subscribe) field.subscribe = guarded(field.subscribe, check);
    }
  }
  return schema;
}

function guarded(resolve: GraphQLFieldResolver<unknown, unknown>, check: (args: Record<string, unknown>) => void): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info) => {
    check(args);
    return resolve(source, args, context, info);
  };
}

function takesString(type: GraphQLArgument['type'], seen: Set<string>): boolean {
  const named = getNamedType(type);
  if (named === GraphQLString) return true;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((field) => takesString(field.type, seen));
}

function isWellFormedInput(value: unknown, type: GraphQLInputType): boolean {
  if (value === null || value === undefined) return true;
  if (isNonNullType(type)) return isWellFormedInput(value, type.ofType);
  if (isListType(type)) return !Array.isArray(value) || value.every((item) => isWellFormedInput(item, type.ofType));
  if (isInputObjectType(type)) {
    return Object.values(type.getFields()).every((field) => isWellFormedInput((value as Record<string, unknown>)[field.name], field.type));
  }
  return type !== GraphQLString || typeof value !== 'string' || isStorableText(value);
}

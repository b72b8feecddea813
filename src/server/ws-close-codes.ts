import { CloseCode } from 'graphql-ws';

/** Close codes this server uses besides graphql-ws's own. */
export const AppCloseCode = {
  /** Missing, invalid or expired token (graphql-ws clients retry and call connectionParams again). */
  Forbidden: CloseCode.Forbidden,
  GoingAway: 1001,
  /** The user already holds MAX_CONNECTIONS_PER_USER open connections (or opened too many a minute). */
  TooManyConnections: CloseCode.TooManyInitialisationRequests,
  /** More than LIMITS.maxSocketBufferedBytes waited for a peer that does not read (graphql-ws clients reconnect). */
  TooMuchBuffered: 4413,
} as const;

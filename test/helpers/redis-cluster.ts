// A local Redis Cluster of 3 masters and 3 replicas for one test file
// (scripts/local-redis-cluster.ts starts it, in about two seconds), stopped after the file.
import { startLocalRedisCluster, type RedisCluster } from '../../scripts/local-redis-cluster.js';
import { cleanup } from './cleanup.js';

export type { ClusterNode, RedisCluster } from '../../scripts/local-redis-cluster.js';

export async function startRedisCluster(options?: { nodeTimeoutMs?: number }): Promise<RedisCluster> {
  const cluster = await startLocalRedisCluster(options);
  cleanup(() => cluster.stop());
  return cluster;
}

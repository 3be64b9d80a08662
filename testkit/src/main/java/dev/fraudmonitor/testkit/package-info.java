/**
 * Test infrastructure on real parts: a test dependency of the job; the demo and the benchmarks use
 * it explicitly.
 *
 * <ul>
 *   <li>{@link dev.fraudmonitor.testkit.EmbeddedKafka}: single-node KRaft broker in this JVM
 *       (KafkaClusterTestKit), 2 MiB records, transactions with replication 1.
 *   <li>{@link dev.fraudmonitor.testkit.EmbeddedRedis}: real redis-server on a free loopback port,
 *       or the external server in env {@code REDIS_URL}.
 *   <li>{@link dev.fraudmonitor.testkit.FlinkMiniCluster}: 2 TaskManagers x 1 slot; {@link
 *       dev.fraudmonitor.testkit.JobRunner} submits, awaits RUNNING, cancels, and {@code
 *       waitUntil}s.
 *   <li>{@link dev.fraudmonitor.testkit.FlinkProcessCluster}: a standalone session cluster whose
 *       JobManager and TaskManagers are separate JVMs on loopback (from this classpath, files under
 *       {@code target/}), for tests that kill a TaskManager.
 *   <li>{@link dev.fraudmonitor.testkit.KafkaExtension}, {@link
 *       dev.fraudmonitor.testkit.RedisExtension}: thin JUnit 5 wrappers (static
 *       {@code @RegisterExtension}); {@code FlinkMiniCluster.extension()} for Flink.
 * </ul>
 *
 * <p>The core classes are plain {@code AutoCloseable}s so the demo launcher can use them outside
 * JUnit. Measured on the 2-core dev box: Kafka start 0.8-3.5 s (cold JVM is the slow end), close
 * 0.3-0.7 s; redis-server start ~0.1 s; MiniCluster start ~1.7 s cold.
 */
package dev.fraudmonitor.testkit;

package dev.fraudmonitor.testkit;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.test.util.MiniClusterWithClientResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Flink MiniCluster shape every test uses: 2 TaskManagers x 1 slot (parallelism 2).
 *
 * <p>In JUnit 5: {@code @RegisterExtension static final MiniClusterExtension FLINK =
 * FlinkMiniCluster.extension();} then {@code StreamExecutionEnvironment.getExecutionEnvironment()}
 * submits to it. Outside JUnit (demo launcher): {@code try (FlinkMiniCluster c =
 * FlinkMiniCluster.start()) { c.env() ... }}.
 */
public final class FlinkMiniCluster implements AutoCloseable {
    public static final int TASK_MANAGERS = 2;
    public static final int SLOTS_PER_TASK_MANAGER = 1;
    public static final int PARALLELISM = TASK_MANAGERS * SLOTS_PER_TASK_MANAGER;

    private static final Logger LOG = LoggerFactory.getLogger(FlinkMiniCluster.class);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(15);

    private final MiniClusterWithClientResource resource;

    private FlinkMiniCluster(MiniClusterWithClientResource resource) {
        this.resource = resource;
    }

    /** Cluster configuration: small managed memory so two TMs fit a test JVM. */
    public static Configuration clusterConfiguration() {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(64));
        return conf;
    }

    public static MiniClusterResourceConfiguration configuration() {
        return configuration(new Configuration());
    }

    /** The same shape with extra cluster settings (e.g. a metric reporter for a benchmark). */
    public static MiniClusterResourceConfiguration configuration(Configuration extra) {
        Configuration conf = clusterConfiguration();
        conf.addAll(extra);
        return new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(TASK_MANAGERS)
                .setNumberSlotsPerTaskManager(SLOTS_PER_TASK_MANAGER)
                .setConfiguration(conf)
                .build();
    }

    /** A fresh JUnit 5 extension (register it as a static field). */
    public static MiniClusterExtension extension() {
        return new MiniClusterExtension(configuration());
    }

    /**
     * Starts a MiniCluster outside JUnit and makes it the context environment, so {@link
     * StreamExecutionEnvironment#getExecutionEnvironment()} submits to it until {@link #close()}.
     */
    public static FlinkMiniCluster start() {
        return start(new Configuration());
    }

    /** As {@link #start()}, with extra cluster settings. */
    public static FlinkMiniCluster start(Configuration extra) {
        long t0 = System.nanoTime();
        MiniClusterWithClientResource resource =
                new MiniClusterWithClientResource(configuration(extra));
        try {
            resource.before();
            LOG.info(
                    "Flink MiniCluster ({} TMs x {} slot) started in {} ms",
                    TASK_MANAGERS,
                    SLOTS_PER_TASK_MANAGER,
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (Exception e) {
            throw new IllegalStateException("Flink MiniCluster failed to start", e);
        }
        return new FlinkMiniCluster(resource);
    }

    /** An environment bound to this cluster with parallelism {@link #PARALLELISM}. */
    public StreamExecutionEnvironment env() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        return env;
    }

    public MiniClusterWithClientResource resource() {
        return resource;
    }

    /**
     * Stops the cluster. Cancelling its jobs first can wait forever when the JVM is already
     * shutting down (Ctrl-C or SIGTERM on the demo: Flink's own shutdown hooks have stopped parts
     * of it), so that wait is bounded and the cluster is then closed without it.
     */
    @Override
    public void close() {
        Thread stop = new Thread(resource::after, "minicluster-stop");
        stop.setDaemon(true);
        stop.start();
        try {
            stop.join(CLOSE_TIMEOUT.toMillis());
            if (stop.isAlive()) {
                LOG.warn(
                        "Flink MiniCluster jobs did not cancel within {} s; closing the cluster"
                                + " without them",
                        CLOSE_TIMEOUT.toSeconds());
                resource.getMiniCluster()
                        .closeAsync()
                        .get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Flink MiniCluster did not close cleanly: {}", e.toString());
        }
    }
}

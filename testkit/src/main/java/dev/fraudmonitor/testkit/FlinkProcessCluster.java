package dev.fraudmonitor.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone Flink session cluster whose JobManager and TaskManagers are separate JVM processes
 * on loopback, started from this JVM's classpath (so they can run the job's classes without a job
 * jar). TaskManagers can be killed with {@code SIGKILL} and replaced, as a crashed machine would
 * be.
 *
 * <p>Everything it writes (configuration, blobs, checkpoints, the processes' logs) lives under
 * {@code target/flink-processes-<id>/}; {@link #close()} kills every process it started and deletes
 * that directory except the logs. A JVM shutdown hook kills the processes too, should the test JVM
 * exit without closing.
 */
public final class FlinkProcessCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlinkProcessCluster.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> JVM_OPENS =
            List.of(
                    "java.base/java.util",
                    "java.base/java.lang",
                    "java.base/java.lang.invoke",
                    "java.base/java.net",
                    "java.base/java.io",
                    "java.base/java.nio",
                    "java.base/sun.nio.ch",
                    "java.base/java.time",
                    "java.base/java.util.concurrent",
                    "java.base/java.util.concurrent.atomic");

    /**
     * How the processes are sized and run. {@link #TESTS} keeps a cluster small and quick to start
     * on a shared machine (serial collector, the first JIT tier only); a benchmark wants the JVM a
     * deployment runs, with room for its state.
     *
     * @param slots task slots per TaskManager
     * @param taskHeap each TaskManager's task heap ({@code taskmanager.memory.task.heap.size})
     * @param jvmOptions options for every process's JVM, the maximum heap aside
     */
    public record Processes(int slots, String taskHeap, List<String> jvmOptions) {
        public static final Processes TESTS =
                new Processes(1, "192m", List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    }

    private final Path dir;
    private final int restPort;
    private final String classpath;
    private final Processes sizing;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> taskManagers = new ArrayList<>();
    private final Thread killOnExit = new Thread(this::killAll, "flink-process-cluster-kill");
    private Process jobManager;

    private FlinkProcessCluster(Path dir, int restPort, String classpath, Processes sizing) {
        this.dir = dir;
        this.restPort = restPort;
        this.classpath = classpath;
        this.sizing = sizing;
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers with one slot each, and waits until
     * they have all registered.
     */
    public static FlinkProcessCluster start(int taskManagers, Duration timeout) {
        return start(taskManagers, timeout, null);
    }

    /**
     * As {@link #start(int, Duration)}, on the settings of {@code baseConfig} (a flat Flink {@code
     * config.yaml}, such as {@code deploy/config.yaml}): state backend, checkpointing, restart
     * strategy, heartbeats and the rest apply as written; addresses, ports, directories, memory
     * (sized for one shared machine) and the checkpoint and savepoint directories (under this
     * cluster's directory) are this cluster's.
     */
    public static FlinkProcessCluster start(int taskManagers, Duration timeout, Path baseConfig) {
        return start(taskManagers, timeout, baseConfig, System.getProperty("java.class.path"));
    }

    /**
     * As {@link #start(int, Duration, Path)}, with the processes on {@code classpath}: without the
     * job's classes, so that a job jar submitted through REST is what runs.
     */
    public static FlinkProcessCluster start(
            int taskManagers, Duration timeout, Path baseConfig, String classpath) {
        return start(taskManagers, timeout, baseConfig, classpath, Processes.TESTS);
    }

    /**
     * As {@link #start(int, Duration, Path, String)}, with the processes sized by {@code sizing}.
     */
    public static FlinkProcessCluster start(
            int taskManagers,
            Duration timeout,
            Path baseConfig,
            String classpath,
            Processes sizing) {
        Path dir = Path.of("target", "flink-processes-" + UUID.randomUUID()).toAbsolutePath();
        FlinkProcessCluster cluster;
        try {
            Files.createDirectories(dir.resolve("conf"));
            Files.createDirectories(dir.resolve("logs"));
            Files.createDirectories(dir.resolve("tmp"));
            cluster = new FlinkProcessCluster(dir, freePort(), classpath, sizing);
            cluster.writeConfig(freePort(), freePort(), baseConfig);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
        Runtime.getRuntime().addShutdownHook(cluster.killOnExit);
        try {
            long t0 = System.nanoTime();
            cluster.jobManager =
                    cluster.spawn(
                            "jobmanager",
                            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                            "256m");
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager();
            }
            cluster.awaitTaskManagers(taskManagers, timeout);
            LOG.info(
                    "Flink cluster of {} processes up in {} ms, REST at {}",
                    1 + taskManagers,
                    (System.nanoTime() - t0) / 1_000_000,
                    cluster.restUrl());
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void writeConfig(int rpcPort, int blobPort, Path baseConfig) throws IOException {
        Map<String, String> conf = new LinkedHashMap<>();
        // A killed TaskManager is noticed within seconds, not the default 50 s (unless the base
        // configuration says otherwise).
        conf.put("heartbeat.interval", "500 ms");
        conf.put("heartbeat.timeout", "5 s");
        if (baseConfig != null) {
            for (String line : Files.readAllLines(baseConfig)) {
                Matcher m = FLAT_ENTRY.matcher(line);
                if (m.matches()
                        && !m.group(1).startsWith("taskmanager.memory.")
                        && !m.group(1).startsWith("jobmanager.memory.")) {
                    conf.put(m.group(1), m.group(2).trim());
                }
            }
        }
        conf.put("jobmanager.rpc.address", "127.0.0.1");
        conf.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        conf.put("jobmanager.bind-host", "127.0.0.1");
        conf.put("rest.address", "127.0.0.1");
        conf.put("rest.bind-address", "127.0.0.1");
        conf.put("rest.port", Integer.toString(restPort));
        conf.put("blob.server.port", Integer.toString(blobPort));
        conf.put("taskmanager.host", "127.0.0.1");
        conf.put("taskmanager.bind-host", "127.0.0.1");
        conf.put("taskmanager.numberOfTaskSlots", Integer.toString(sizing.slots()));
        // A TaskManager started without Flink's scripts needs its memory spelled out.
        conf.put("taskmanager.cpu.cores", Integer.toString(sizing.slots()));
        conf.put("taskmanager.memory.framework.heap.size", "64m");
        conf.put("taskmanager.memory.task.heap.size", sizing.taskHeap());
        conf.put("taskmanager.memory.task.off-heap.size", "0m");
        conf.put("taskmanager.memory.framework.off-heap.size", "64m");
        conf.put("taskmanager.memory.managed.size", "64m");
        conf.put("taskmanager.memory.network.min", "32m");
        conf.put("taskmanager.memory.network.max", "32m");
        conf.put("taskmanager.memory.jvm-metaspace.size", "192m");
        conf.put("taskmanager.memory.jvm-overhead.min", "64m");
        conf.put("taskmanager.memory.jvm-overhead.max", "64m");
        conf.put("io.tmp.dirs", dir.resolve("tmp").toString());
        conf.put("blob.storage.directory", dir.resolve("blobs").toString());
        conf.put("web.tmpdir", dir.resolve("web").toString());
        conf.put("web.upload.dir", dir.resolve("web").toString());
        conf.put("process.working-dir", dir.resolve("work").toString());
        if (baseConfig != null) {
            conf.put("execution.checkpointing.dir", checkpointDir().toUri().toString());
            conf.put("execution.checkpointing.savepoint-dir", savepointDir().toUri().toString());
        }
        StringBuilder text = new StringBuilder();
        conf.forEach((k, v) -> text.append(k).append(": ").append(v).append('\n'));
        Files.writeString(dir.resolve("conf").resolve("config.yaml"), text.toString());
    }

    private static final Pattern FLAT_ENTRY =
            Pattern.compile("^([A-Za-z0-9][A-Za-z0-9_.\\-]*):\\s+(\\S.*)$");

    /** Starts one more TaskManager process (it registers with the JobManager by itself). */
    public synchronized Process startTaskManager() {
        Process tm =
                spawn(
                        "taskmanager-" + taskManagers.size(),
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        taskManagerHeap());
        taskManagers.add(tm);
        return tm;
    }

    /** Kills TaskManager {@code index} with SIGKILL (no shutdown hooks, no goodbye to the JM). */
    public synchronized void killTaskManager(int index) {
        Process tm = taskManagers.get(index);
        tm.destroyForcibly();
        try {
            tm.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Killed TaskManager {} (pid {}), exit {}", index, tm.pid(), tm.exitValue());
    }

    /** The task heap, the framework's 64 MiB and 64 MiB of headroom for the JVM's own use. */
    private String taskManagerHeap() {
        long mib = MemorySize.parse(sizing.taskHeap()).getMebiBytes() + 128;
        return mib + "m";
    }

    private Process spawn(String name, String mainClass, String heap) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:MaxDirectMemorySize=192m");
        cmd.addAll(sizing.jvmOptions());
        // A killed JVM would leave its perf-data file behind in /tmp.
        cmd.add("-XX:-UsePerfData");
        for (String open : JVM_OPENS) {
            cmd.add("--add-opens=" + open + "=ALL-UNNAMED");
        }
        cmd.add("-Djava.io.tmpdir=" + dir.resolve("tmp"));
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(dir.resolve("conf").toString());
        Path log = dir.resolve("logs").resolve(name + ".log");
        try {
            Process p =
                    new ProcessBuilder(cmd)
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
            synchronized (this) {
                processes.add(p);
            }
            LOG.info("Started {} (pid {}), log {}", name, p.pid(), log);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    public int restPort() {
        return restPort;
    }

    /** Client configuration for a RestClusterClient or a remote environment. */
    public Configuration clientConfiguration() {
        Configuration c = new Configuration();
        c.set(RestOptions.ADDRESS, "127.0.0.1");
        c.set(RestOptions.PORT, restPort);
        return c;
    }

    /** GET {@code path} on the JobManager's REST API; null while it does not answer. */
    public JsonNode rest(String path) {
        try {
            HttpResponse<String> r =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(restUrl() + path))
                                            .timeout(Duration.ofSeconds(5))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** TaskManagers currently registered with the JobManager. */
    public int registeredTaskManagers() {
        JsonNode overview = rest("/overview");
        return overview == null ? 0 : overview.path("taskmanagers").asInt();
    }

    public void awaitTaskManagers(int count, Duration timeout) {
        JobRunner.waitUntil(
                () -> {
                    if (!jobManager.isAlive()
                            || taskManagers.stream().filter(Process::isAlive).count() < count) {
                        throw new IllegalStateException(
                                "a Flink process exited; see the logs in " + dir.resolve("logs"));
                    }
                    return registeredTaskManagers() >= count;
                },
                timeout,
                count + " TaskManagers registered (logs in " + dir.resolve("logs") + ")");
    }

    /** Directory for the job's checkpoints, shared by all processes of this cluster. */
    public Path checkpointDir() {
        return dir.resolve("checkpoints");
    }

    /** Directory for savepoints, shared by all processes of this cluster. */
    public Path savepointDir() {
        return dir.resolve("savepoints");
    }

    public Path logDir() {
        return dir.resolve("logs");
    }

    private synchronized void killAll() {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Kills every process this cluster started and deletes its files except the logs. */
    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; it kills the same processes
        }
        for (String sub :
                List.of("tmp", "blobs", "web", "work", "checkpoints", "savepoints", "conf")) {
            TempDirs.deleteQuietly(dir.resolve(sub));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}

package dev.fraudmonitor.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits streaming jobs asynchronously, waits until they run, and cancels whatever is still
 * running on {@link #close()}.
 *
 * <pre>{@code
 * try (JobRunner jobs = new JobRunner()) {
 *     JobClient job = jobs.startAndAwaitRunning(env, "my-job", Duration.ofSeconds(30));
 *     JobRunner.waitUntil(() -> ..., Duration.ofSeconds(60), "all alerts written");
 * }
 * }</pre>
 */
public final class JobRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final List<JobClient> jobs = new ArrayList<>();

    /** Submits {@code env}'s pipeline with {@code env.executeAsync(name)} and tracks it. */
    public synchronized JobClient start(StreamExecutionEnvironment env, String name) {
        try {
            JobClient client = env.executeAsync(name);
            jobs.add(client);
            return client;
        } catch (Exception e) {
            throw new IllegalStateException("cannot submit job " + name, e);
        }
    }

    /**
     * Submits the job and waits until it is RUNNING (fails fast if it reaches a terminal state
     * first). Note: RUNNING means the job is scheduled; tasks may still be initializing.
     */
    public JobClient startAndAwaitRunning(
            StreamExecutionEnvironment env, String name, Duration timeout) {
        JobClient client = start(env, name);
        awaitRunning(client, timeout);
        return client;
    }

    public static void awaitRunning(JobClient client, Duration timeout) {
        JobStatus[] last = {null};
        try {
            waitUntil(
                    () -> {
                        JobStatus s = status(client);
                        last[0] = s;
                        if (s != null && s.isGloballyTerminalState()) {
                            throw new AssertionError(
                                    "job "
                                            + client.getJobID()
                                            + " ended as "
                                            + s
                                            + " before it was RUNNING"
                                            + failureCause(client));
                        }
                        return s == JobStatus.RUNNING;
                    },
                    timeout,
                    "job " + client.getJobID() + " to be RUNNING");
        } catch (AssertionError e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Timed out")) {
                throw new AssertionError(e.getMessage() + " (last status " + last[0] + ")", e);
            }
            throw e;
        }
    }

    private static String failureCause(JobClient client) {
        try {
            client.getJobExecutionResult().get(5, TimeUnit.SECONDS);
            return "";
        } catch (Exception e) {
            return ": " + e;
        }
    }

    public static JobStatus status(JobClient client) {
        try {
            return client.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Polls {@code condition} every 100 ms until it holds; throws {@link AssertionError} naming
     * {@code whatWeWaitFor} after {@code timeout}. Exceptions thrown by the condition propagate.
     */
    public static void waitUntil(
            BooleanSupplier condition, Duration timeout, String whatWeWaitFor) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError(
                        "Timed out after "
                                + timeout.toMillis()
                                + " ms waiting for "
                                + whatWeWaitFor);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for " + whatWeWaitFor, e);
            }
        }
    }

    /** Cancels one job and waits until it reached a terminal state. */
    public static void cancel(JobClient client, Duration timeout) {
        JobStatus s = status(client);
        if (s != null && s.isGloballyTerminalState()) {
            return;
        }
        try {
            client.cancel().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("cancel of job {} failed: {}", client.getJobID(), e.toString());
        }
        waitUntil(
                () -> {
                    JobStatus st = status(client);
                    return st == null || st.isGloballyTerminalState();
                },
                timeout,
                "job " + client.getJobID() + " to stop after cancel");
    }

    /** Cancels every job this runner started that is still running. */
    @Override
    public synchronized void close() {
        for (JobClient client : jobs) {
            cancel(client, Duration.ofSeconds(30));
        }
        jobs.clear();
    }

    /**
     * The exceptions the job has seen (each one a failure that restarted or ended it), read from
     * the cluster's REST API; empty means it never failed.
     */
    public static List<String> failures(
            org.apache.flink.configuration.Configuration clientConfig,
            org.apache.flink.api.common.JobID jobId) {
        String host = clientConfig.get(org.apache.flink.configuration.RestOptions.ADDRESS);
        int port = clientConfig.get(org.apache.flink.configuration.RestOptions.PORT);
        try {
            java.net.http.HttpResponse<String> r =
                    java.net.http.HttpClient.newHttpClient()
                            .send(
                                    java.net.http.HttpRequest.newBuilder(
                                                    java.net.URI.create(
                                                            "http://"
                                                                    + host
                                                                    + ":"
                                                                    + port
                                                                    + "/jobs/"
                                                                    + jobId
                                                                    + "/exceptions"))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString());
            com.fasterxml.jackson.databind.JsonNode entries =
                    new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(r.body())
                            .path("exceptionHistory")
                            .path("entries");
            List<String> out = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode e : entries) {
                out.add(
                        e.path("exceptionName").asText()
                                + ": "
                                + e.path("stacktrace").asText().lines().findFirst().orElse(""));
            }
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read job exceptions over REST", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

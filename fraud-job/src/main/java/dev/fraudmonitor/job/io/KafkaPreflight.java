package dev.fraudmonitor.job.io;

import dev.fraudmonitor.job.config.ConfigException;
import dev.fraudmonitor.job.config.JobConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks Kafka before the job is submitted, so that what an operator can fix is said once in plain
 * words instead of as a restart loop of stack traces: credentials the broker rejects fail at once;
 * topics that do not exist yet are waited for, with one log line.
 */
public final class KafkaPreflight {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaPreflight.class);

    private KafkaPreflight() {}

    /**
     * Returns once the broker accepts the job's credentials and its input and output topics exist;
     * waits up to {@code maxWait} for missing topics or an unreachable broker.
     *
     * @throws ConfigException when the broker rejects the credentials or denies access, or the wait
     *     runs out
     */
    public static void awaitReady(JobConfig c, Duration maxWait, Duration every) {
        String bootstrap = c.get(JobConfig.KAFKA_BOOTSTRAP);
        List<String> topics =
                List.of(
                        c.get(JobConfig.TOPIC_EVENTS),
                        c.get(JobConfig.TOPIC_ALERTS),
                        c.get(JobConfig.TOPIC_HOLDS),
                        c.get(JobConfig.TOPIC_DLQ));
        Properties p = KafkaIO.clientProperties(c);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        long deadline = System.nanoTime() + maxWait.toNanos();
        String lastProblem = null;
        try (Admin admin = Admin.create(p)) {
            while (true) {
                String problem;
                try {
                    Set<String> missing = missingTopics(admin, topics);
                    if (missing.isEmpty()) {
                        if (lastProblem != null) {
                            LOG.info("Kafka at {} is ready: every topic exists", bootstrap);
                        }
                        return;
                    }
                    problem =
                            "topic(s) "
                                    + String.join(", ", missing)
                                    + " do not exist on Kafka at "
                                    + bootstrap
                                    + " yet; waiting for them to be created";
                } catch (AuthenticationException e) {
                    throw new ConfigException(
                            "Kafka at "
                                    + bootstrap
                                    + " rejected the job's credentials ("
                                    + e.getMessage()
                                    + "); check security.protocol, sasl.mechanism and"
                                    + " sasl.jaas.config (or ssl.*) in kafka.properties-file");
                } catch (AuthorizationException e) {
                    throw new ConfigException(
                            "Kafka at "
                                    + bootstrap
                                    + " denied the job access ("
                                    + e.getMessage()
                                    + "); the job's principal needs Describe and Read on "
                                    + c.get(JobConfig.TOPIC_EVENTS)
                                    + ", Write on the output topics, and transactional-id and"
                                    + " group ACLs");
                } catch (TimeoutException e) {
                    problem = "cannot reach Kafka at " + bootstrap + " yet; retrying";
                }
                if (!problem.equals(lastProblem)) {
                    LOG.warn("{} (checking every {} s)", problem, every.toSeconds());
                    lastProblem = problem;
                }
                if (System.nanoTime() > deadline) {
                    throw new ConfigException(
                            "kafka.bootstrap: gave up after " + maxWait + ": " + problem);
                }
                try {
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ConfigException("interrupted while waiting for Kafka");
                }
            }
        }
    }

    private static Set<String> missingTopics(Admin admin, List<String> topics)
            throws TimeoutException {
        Set<String> missing = new LinkedHashSet<>();
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(topics));
        for (String t : unique) {
            try {
                admin.describeTopics(List.of(t)).allTopicNames().get(15, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof UnknownTopicOrPartitionException) {
                    missing.add(t);
                } else if (cause instanceof AuthenticationException a) {
                    throw a;
                } else if (cause instanceof AuthorizationException a) {
                    throw a;
                } else if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                    throw new TimeoutException(cause.getMessage());
                } else {
                    throw new ConfigException("Kafka failed to describe topic " + t + ": " + cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConfigException("interrupted while checking Kafka topics");
            }
        }
        return missing;
    }
}

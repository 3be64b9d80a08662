package dev.fraudmonitor.console;

import dev.fraudmonitor.clients.HoldReleaser;
import dev.fraudmonitor.clients.RedisClients;
import dev.fraudmonitor.clients.RedisKeys;
import dev.fraudmonitor.console.auth.LoginLimiter;
import dev.fraudmonitor.console.auth.Sessions;
import dev.fraudmonitor.console.auth.Users;
import dev.fraudmonitor.console.cases.CaseActions;
import dev.fraudmonitor.console.cases.CaseQueries;
import dev.fraudmonitor.console.cases.CaseStore;
import dev.fraudmonitor.console.ingest.Ingestor;
import dev.fraudmonitor.console.notify.LabelPublisher;
import dev.fraudmonitor.console.notify.Notifier;
import dev.fraudmonitor.console.web.WebApp;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import redis.clients.jedis.RedisClient;

/** The whole console, wired from a {@link ConsoleConfig}: start it, read its ports, close it. */
public final class CareConsole implements AutoCloseable {
    private final Database db;
    private final RedisClient redis;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ConsoleMetrics metrics;
    private final Notifier notifier;
    private final Ingestor ingestor;
    private final LabelPublisher labels;
    private final WebApp web;
    private final ScheduledExecutorService scheduler;
    private final int metricsPort;

    public static CareConsole start(ConsoleConfig config) throws IOException {
        return new CareConsole(config);
    }

    private CareConsole(ConsoleConfig config) throws IOException {
        Clock clock = Clock.systemUTC();
        Users users = new Users(config.usersFile());
        db = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword());
        redis = RedisClients.create(config.redisUrl(), Duration.ofSeconds(2));
        RedisKeys keys = new RedisKeys(config.redisPrefix());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.groupId() + "-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        metrics = new ConsoleMetrics();
        AtomicLong version = new AtomicLong(System.currentTimeMillis());
        Runnable changed = version::incrementAndGet;
        List<Notifier.Endpoint> endpoints = new ArrayList<>();
        config.genericWebhooks()
                .forEach(u -> endpoints.add(new Notifier.Endpoint(u, Notifier.Format.GENERIC)));
        config.slackWebhooks()
                .forEach(u -> endpoints.add(new Notifier.Endpoint(u, Notifier.Format.SLACK)));
        notifier =
                new Notifier(
                        db,
                        endpoints,
                        config.webhookAttempts(),
                        config.webhookBackoff(),
                        config.publicUrl(),
                        metrics.registry());
        labels = new LabelPublisher(db, producer, config.labelsTopic(), metrics.registry());
        scheduler =
                Executors.newScheduledThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "console-scheduler");
                            t.setDaemon(true);
                            return t;
                        });
        CaseQueries queries = new CaseQueries(db);
        HoldReleaser releaser = new HoldReleaser(redis, keys, producer, config.holdsTopic(), clock);
        CaseActions actions =
                new CaseActions(
                        db,
                        releaser,
                        changed,
                        () ->
                                scheduler.execute(
                                        () -> {
                                            labels.publishPending();
                                            metrics.refresh(queries);
                                        }),
                        clock);
        ingestor =
                new Ingestor(
                        config.kafka(),
                        config.groupId(),
                        config.alertsTopic(),
                        config.holdsTopic(),
                        db,
                        new CaseStore(config.linkWindow()),
                        notifier,
                        changed,
                        metrics.registry());
        web =
                new WebApp(
                        users,
                        new Sessions(config.sessionIdle(), clock),
                        new LoginLimiter(config.loginLimit(), Duration.ofMinutes(5), clock),
                        db,
                        queries,
                        actions,
                        redis,
                        keys,
                        version,
                        config.secureCookies(),
                        config.trustProxy());
        Retention retention =
                new Retention(db, config.closedCaseRetention(), config.disputePeriod(), clock);
        metricsPort = metrics.serve(config.bind(), config.metricsPort());
        web.start(config.bind(), config.port());
        ingestor.start();
        notifier.start();
        scheduler.scheduleWithFixedDelay(() -> metrics.refresh(queries), 0, 5, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(labels::publishPending, 5, 5, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        retention.purge();
                    } catch (RuntimeException e) {
                        // Next hour again; the database may be briefly down.
                    }
                },
                1,
                60,
                TimeUnit.MINUTES);
    }

    public int port() {
        return web.port();
    }

    public int metricsPort() {
        return metricsPort;
    }

    public Database database() {
        return db;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        web.close();
        ingestor.close();
        notifier.close();
        producer.close(Duration.ofSeconds(5));
        metrics.close();
        redis.close();
        db.close();
    }
}

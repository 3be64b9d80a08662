package dev.fraudmonitor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fraudmonitor.clients.RedisKeys;
import dev.fraudmonitor.engine.rules.ListKind;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.metrics.FraudMetrics;
import dev.fraudmonitor.model.Alert;
import dev.fraudmonitor.model.ChangeKind;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.EventType;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.OrderPlacedData;
import dev.fraudmonitor.model.Reason;
import dev.fraudmonitor.testkit.FlinkMiniCluster;
import dev.fraudmonitor.testkit.JobRunner;
import dev.fraudmonitor.testkit.KafkaExtension;
import dev.fraudmonitor.testkit.RedisExtension;
import dev.fraudmonitor.testkit.TestEvents;
import dev.fraudmonitor.testkit.TestEvents.Session;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * Allow lists in the running job (Kafka, redis-server, MiniCluster at parallelism 2): a customer
 * whose IP, card, device, email domain or account is allow-listed is not alerted by a velocity, a
 * new-value or a change-before-order rule, while the same behaviour from a customer on no list is.
 * The IP is allow-listed in its expanded IPv6 form and the events carry the compressed one: the job
 * takes them for one address.
 */
public class AllowListITCase {
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    /** Each rule alone reaches review (weight 60 against 50), all three read orders by account. */
    static final String RULES =
            """
            {"version": 1, "thresholds": {"review": 50, "hold": 95}, "alertCooldown": "PT30M",
             "rules": [
              {"id": "orders-per-account", "version": 1, "kind": "VELOCITY", "weight": 60,
               "description": "{observed} orders in {window}; limit {threshold}",
               "groupBy": "ACCOUNT", "aggregate": "COUNT", "window": "PT1H", "threshold": 1,
               "filter": {"types": ["ORDER_PLACED"]}},
              {"id": "new-device-for-account", "version": 1, "kind": "NEW_VALUE", "weight": 60,
               "description": "Order from {observed} for this account ({threshold})",
               "groupBy": "ACCOUNT", "attribute": "DEVICE", "history": "P30D",
               "filter": {"types": ["ORDER_PLACED"]}},
              {"id": "password-change-before-order", "version": 1, "kind": "CHANGE_BEFORE_ORDER",
               "weight": 60, "description": "Order placed after a {observed}; rule looks back {window}",
               "groupBy": "ACCOUNT", "changes": ["PASSWORD"], "window": "PT1H"}
             ]}
            """;

    static final Set<String> ALL_RULES =
            Set.of("orders-per-account", "new-device-for-account", "password-change-before-order");

    record Customer(String name, String ip, String card, String device, String emailDomain) {
        String account() {
            return "acct-" + name;
        }
    }

    @Test
    void allowListedCustomersAreSilencedForEveryRuleKindInTheRunningJob() throws Exception {
        // One partition: a customer's history must be read before today's sessions, or its old
        // device would be new again when it arrived late.
        String events = KAFKA.newTopic("events", 1);
        String alerts = KAFKA.newTopic("alerts", 2);
        String holds = KAFKA.newTopic("holds", 1);
        String dlq = KAFKA.newTopic("dlq", 1);
        String prefix = REDIS.newKeyPrefix();
        RedisKeys keys = new RedisKeys(prefix);

        Map<String, Customer> customers = new HashMap<>();
        for (String name : List.of("ip", "card", "device", "email", "account", "control")) {
            customers.put(
                    name,
                    new Customer(
                            name,
                            name.equals("ip") ? "2001:db8::1" : "198.51.100." + customers.size(),
                            "card-" + name,
                            "dev-" + name,
                            name + ".example"));
        }
        try (RedisClient redis = REDIS.client()) {
            redis.set(keys.rules(), RULES);
            redis.sadd(keys.list(false, "ip"), "2001:0DB8:0000:0000:0000:0000:0000:0001");
            redis.sadd(keys.list(false, ListKind.CARD.redisName()), "card-card");
            redis.sadd(keys.list(false, ListKind.DEVICE.redisName()), "dev-device");
            redis.sadd(keys.list(false, ListKind.EMAIL_DOMAIN.redisName()), "EMAIL.example");
            redis.sadd(keys.list(false, ListKind.ACCOUNT.redisName()), "acct-account");
            redis.set(keys.listsVersion(), "1");
        }

        Instant now = Instant.now().minus(1, ChronoUnit.MINUTES);
        List<CheckoutEvent> history = new ArrayList<>();
        List<CheckoutEvent> traffic = new ArrayList<>();
        Map<String, String> sessionOf = new HashMap<>();
        for (Customer c : customers.values()) {
            // Two days ago, from another device: the account's history.
            Session before =
                    Session.guest("192.0.2.9", "US").as(c.account()).onDevice("old-" + c.device());
            history.add(order(before, now.minus(2, ChronoUnit.DAYS), c, "o-old-" + c.name()));
            // Now: a password change, then two orders from a new device.
            Session s =
                    new Session(
                            "s-" + c.name() + "-" + now.toEpochMilli(),
                            c.account(),
                            c.ip(),
                            "US",
                            c.device());
            sessionOf.put(s.sessionId(), c.name());
            traffic.add(s.accountChange(now.minusSeconds(600), ChangeKind.PASSWORD));
            traffic.add(order(s, now.minusSeconds(300), c, "o-1-" + c.name()));
            traffic.add(order(s, now, c, "o-2-" + c.name()));
        }
        traffic.sort(Comparator.comparing(CheckoutEvent::occurredAt));

        JobConfig config =
                TestJobConfig.of(
                        KAFKA.bootstrapServers(), REDIS.url(), prefix, events, alerts, holds, dlq);
        try (JobRunner jobs = new JobRunner()) {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(
                            FraudJob.flinkConfiguration(config));
            FraudJob.define(env, config);
            jobs.startAndAwaitRunning(env, "allow-list-itcase", Duration.ofSeconds(60));
            // The history first, scored before today's sessions: otherwise an account's copy of
            // today's order can reach its key before the old one, and the device is not new.
            double readBefore = eventsRead();
            for (CheckoutEvent e : history) {
                KAFKA.kafka().send(events, e.sessionId(), TestEvents.encode(e));
            }
            JobRunner.waitUntil(
                    () -> eventsRead() - readBefore >= history.size(),
                    Duration.ofSeconds(60),
                    "the customers' history scored");
            // One more hop (session to account) for the copies still in flight.
            Thread.sleep(1000);
            for (CheckoutEvent e : traffic) {
                KAFKA.kafka().send(events, e.sessionId(), TestEvents.encode(e));
            }

            // The control customer's alert carries all three rules; once it is committed, every
            // other session's decisions (made on the same events, earlier or at once) are too.
            JobRunner.waitUntil(
                    () ->
                            committedRules(alerts, sessionOf)
                                    .getOrDefault("control", Set.of())
                                    .containsAll(ALL_RULES),
                    Duration.ofSeconds(90),
                    "the control customer alerted by all three rules");
            // Two more checkpoints, so nothing decided for the others is still uncommitted.
            Thread.sleep(1500);
            Map<String, Set<String>> rulesByCustomer = committedRules(alerts, sessionOf);
            assertEquals(Set.of("control"), rulesByCustomer.keySet(), rulesByCustomer.toString());
            assertEquals(ALL_RULES, rulesByCustomer.get("control"));
        }
    }

    private static double eventsRead() {
        return FraudMetrics.get().registry().find("fraud.events").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /** Rule ids in the committed alerts, by customer. */
    private static Map<String, Set<String>> committedRules(
            String alerts, Map<String, String> sessionOf) {
        Map<String, Set<String>> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KAFKA.kafka().readAll(alerts, true, 0, Duration.ofSeconds(2))) {
            Alert a;
            try {
                a = Json.mapper().readValue(r.value(), Alert.class);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            for (Reason reason : a.reasons()) {
                out.computeIfAbsent(sessionOf.get(a.sessionId()), k -> new TreeSet<>())
                        .add(reason.ruleId());
            }
        }
        return out;
    }

    private static CheckoutEvent order(Session s, Instant at, Customer c, String orderId) {
        return s.event(
                EventType.ORDER_PLACED,
                at,
                new OrderPlacedData(
                        orderId,
                        5_000,
                        "USD",
                        1,
                        c.card(),
                        "411111",
                        "US",
                        "US",
                        "US",
                        "addr-" + c.name(),
                        "em-" + c.name(),
                        c.emailDomain()));
    }
}

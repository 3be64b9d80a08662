-- The peer: the default rule set's velocity features and the order geo mismatch as one Flink SQL
-- job, the way a team without the fraud monitor would write them. Windows, filters and limits are
-- those of rules/default-rules.json (a feature flags a row when it exceeds the limit, as the engine
-- does). PeerRun fills in the ${...} placeholders and splits the statements on ';' at line ends.
--
-- Flink computes a streaming OVER aggregation per window definition, so every partitioning gets
-- its own subquery; aggregates over one partitioning and window share one.

CREATE TEMPORARY TABLE events (
  eventId STRING,
  `type` STRING,
  occurredAt TIMESTAMP_LTZ(3),
  sessionId STRING,
  accountId STRING,
  ip STRING,
  ipCountry STRING,
  deviceId STRING,
  `data` ROW<
    outcome STRING,
    usernameHash STRING,
    cardHash STRING,
    cardCountry STRING,
    billingCountry STRING,
    shippingAddressHash STRING,
    amountMinor BIGINT>,
  -- The job's default watermark.max-delay.
  WATERMARK FOR occurredAt AS occurredAt - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic}',
  'properties.bootstrap.servers' = '${bootstrap}',
  'properties.group.id' = '${groupId}',
  'properties.isolation.level' = 'read_committed',
  'properties.max.partition.fetch.bytes' = '4194304',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  -- The job sends a record it cannot read to its dead-letter topic; the peer skips it.
  'json.ignore-parse-errors' = 'true',
  'json.timestamp-format.standard' = 'ISO-8601'
);

CREATE TEMPORARY TABLE flagged (
  feature STRING,
  entity STRING,
  observed BIGINT,
  windowEvents BIGINT,
  eventId STRING,
  sessionId STRING,
  occurredAt TIMESTAMP_LTZ(3)
) WITH (
  'connector' = 'kafka',
  'topic' = '${sinkTopic}',
  'properties.bootstrap.servers' = '${bootstrap}',
  -- Below the broker's transaction.max.timeout.ms (15 min); Flink's default of 1 h is refused.
  'properties.transaction.timeout.ms' = '600000',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = '${transactionalIdPrefix}',
  'format' = 'json',
  'json.timestamp-format.standard' = 'ISO-8601'
);

CREATE TEMPORARY VIEW failed_logins AS
SELECT eventId, sessionId, occurredAt, ip, `data`.usernameHash AS username
FROM events
WHERE `type` = 'LOGIN' AND `data`.outcome = 'FAILURE';

CREATE TEMPORARY VIEW declines AS
SELECT eventId, sessionId, occurredAt, deviceId
FROM events
WHERE `type` = 'PAYMENT_ATTEMPT' AND `data`.outcome = 'DECLINED' AND deviceId IS NOT NULL;

CREATE TEMPORARY VIEW orders AS
SELECT
  eventId, sessionId, occurredAt, ip, ipCountry, accountId,
  `data`.cardHash AS card,
  `data`.cardCountry AS cardCountry,
  `data`.billingCountry AS billingCountry,
  `data`.shippingAddressHash AS shippingAddress,
  `data`.amountMinor AS amount
FROM events
WHERE `type` = 'ORDER_PLACED';

-- credential-stuffing-ip (distinct usernames, 10 min, > 10), with the IP's failed logins beside it.
CREATE TEMPORARY VIEW ip_logins AS
SELECT eventId, sessionId, occurredAt, ip,
  COUNT(DISTINCT username) OVER w AS usernames,
  COUNT(*) OVER w AS failures
FROM failed_logins
WINDOW w AS (PARTITION BY ip ORDER BY occurredAt
  RANGE BETWEEN INTERVAL '10' MINUTE PRECEDING AND CURRENT ROW);

-- brute-force-account (failed logins per username, 10 min, > 4).
CREATE TEMPORARY VIEW username_logins AS
SELECT eventId, sessionId, occurredAt, username,
  COUNT(*) OVER (PARTITION BY username ORDER BY occurredAt
    RANGE BETWEEN INTERVAL '10' MINUTE PRECEDING AND CURRENT ROW) AS failures
FROM failed_logins;

-- card-testing-declines-device (declines per device, 10 min, > 3).
CREATE TEMPORARY VIEW device_declines AS
SELECT eventId, sessionId, occurredAt, deviceId,
  COUNT(*) OVER (PARTITION BY deviceId ORDER BY occurredAt
    RANGE BETWEEN INTERVAL '10' MINUTE PRECEDING AND CURRENT ROW) AS declined
FROM declines;

-- orders-per-card (1 day, > 3) and spend-per-card (1 day, > 500000 minor units).
CREATE TEMPORARY VIEW card_orders AS
SELECT eventId, sessionId, occurredAt, card,
  COUNT(*) OVER w AS orders,
  SUM(amount) OVER w AS spend
FROM orders
WINDOW w AS (PARTITION BY card ORDER BY occurredAt
  RANGE BETWEEN INTERVAL '1' DAY PRECEDING AND CURRENT ROW);

-- orders-per-account (1 h, > 3); guests have no account.
CREATE TEMPORARY VIEW account_orders AS
SELECT eventId, sessionId, occurredAt, accountId,
  COUNT(*) OVER (PARTITION BY accountId ORDER BY occurredAt
    RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS orders
FROM orders
WHERE accountId IS NOT NULL;

-- orders-per-shipping-address (1 day, > 5).
CREATE TEMPORARY VIEW address_orders AS
SELECT eventId, sessionId, occurredAt, shippingAddress,
  COUNT(*) OVER (PARTITION BY shippingAddress ORDER BY occurredAt
    RANGE BETWEEN INTERVAL '1' DAY PRECEDING AND CURRENT ROW) AS orders
FROM orders;

-- orders-per-ip (1 h, > 10).
CREATE TEMPORARY VIEW ip_orders AS
SELECT eventId, sessionId, occurredAt, ip,
  COUNT(*) OVER (PARTITION BY ip ORDER BY occurredAt
    RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS orders
FROM orders;

-- card-billing-country-mismatch, geo-mismatch-high-value (>= 50000) and geo-three-way-mismatch:
-- observed is the number of different countries among IP, billing and card.
CREATE TEMPORARY VIEW geo_orders AS
SELECT eventId, sessionId, occurredAt, ip, amount, cardCountry <> billingCountry AS cardBilling,
  CAST(1
    + CASE WHEN billingCountry <> ipCountry THEN 1 ELSE 0 END
    + CASE WHEN cardCountry <> ipCountry AND cardCountry <> billingCountry THEN 1 ELSE 0 END
    AS BIGINT) AS countries
FROM orders;

INSERT INTO flagged
SELECT 'credential-stuffing-ip', ip, usernames, failures, eventId, sessionId, occurredAt
FROM ip_logins WHERE usernames > 10
UNION ALL
SELECT 'brute-force-account', username, failures, failures, eventId, sessionId, occurredAt
FROM username_logins WHERE failures > 4
UNION ALL
SELECT 'card-testing-declines-device', deviceId, declined, declined, eventId, sessionId, occurredAt
FROM device_declines WHERE declined > 3
UNION ALL
SELECT 'orders-per-card', card, orders, orders, eventId, sessionId, occurredAt
FROM card_orders WHERE orders > 3
UNION ALL
SELECT 'spend-per-card', card, spend, orders, eventId, sessionId, occurredAt
FROM card_orders WHERE spend > 500000
UNION ALL
SELECT 'orders-per-account', accountId, orders, orders, eventId, sessionId, occurredAt
FROM account_orders WHERE orders > 3
UNION ALL
SELECT 'orders-per-shipping-address', shippingAddress, orders, orders, eventId, sessionId,
  occurredAt
FROM address_orders WHERE orders > 5
UNION ALL
SELECT 'orders-per-ip', ip, orders, orders, eventId, sessionId, occurredAt
FROM ip_orders WHERE orders > 10
UNION ALL
SELECT 'geo-mismatch', ip, countries, 1, eventId, sessionId, occurredAt
FROM geo_orders
WHERE cardBilling OR countries = 3 OR (countries = 2 AND amount >= 50000);

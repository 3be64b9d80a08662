-- Cases group the alerts of one incident. The row is the queue's projection of the case; every
-- change to it is also an append-only row in audit, which is the record of who did what and why.
create table cases (
    case_id        text primary key,
    job_case_id    text unique,
    created_at     timestamptz not null,
    last_alert_at  timestamptz not null,
    action         text not null,
    score          int not null,
    status         text not null default 'OPEN',
    assignee       text,
    closed_at      timestamptz,
    merged_into    text references cases(case_id)
);
create index cases_queue on cases (status, last_alert_at desc);

-- One row per alertId: the Kafka consumer inserts with ON CONFLICT DO NOTHING, so a replay never
-- doubles an alert. Free text is stored masked (PanGuard); the job never sends card numbers,
-- passwords or addresses, only hashes, BIN and last 4.
create table alerts (
    alert_id            text primary key,
    case_id             text not null references cases(case_id),
    created_at          timestamptz not null,
    stored_at           timestamptz not null default now(),
    session_id          text,
    account_id          text,
    order_id            text,
    action              text not null,
    score               int not null,
    rule_set_version    bigint,
    card_bin            text,
    card_last4          text,
    card_hash           text,
    device_id           text,
    shipping_address_hash text,
    user_agent          text,
    job_case_id         text,
    supersedes          text,
    change_text         text,
    reasons             jsonb not null,
    source_topic        text not null,
    source_partition    int not null,
    source_offset       bigint not null
);
create index alerts_case on alerts (case_id);
create index alerts_account on alerts (account_id, created_at) where account_id is not null;
create index alerts_session on alerts (session_id, created_at);
create index alerts_order on alerts (order_id, created_at) where order_id is not null;
create index alerts_card on alerts (card_hash, created_at) where card_hash is not null;
create index alerts_device on alerts (device_id, created_at) where device_id is not null;
create index alerts_address on alerts (shipping_address_hash, created_at) where shipping_address_hash is not null;

-- Hold and release records as read from fraud.holds (the live status is read from Redis).
create table hold_records (
    source_topic     text not null,
    source_partition int not null,
    source_offset    bigint not null,
    order_id         text not null,
    alert_id         text,
    status           text not null,
    released_by      text,
    release_reason   text,
    record_at        timestamptz not null,
    primary key (source_topic, source_partition, source_offset)
);
create index hold_records_order on hold_records (order_id);

-- The next offset to read per partition, written in the same transaction as the records read:
-- the database, not the consumer group, is the source of truth, so a crash between the database
-- commit and a Kafka offset commit can neither lose nor double a record.
create table consumer_offsets (
    topic       text not null,
    partition   int not null,
    next_offset bigint not null,
    primary key (topic, partition)
);

create table audit (
    id        bigserial primary key,
    at        timestamptz not null default now(),
    actor     text not null,
    case_id   text,
    action    text not null,
    detail    text,
    reason    text
);
create index audit_case on audit (case_id, id);

create table labels (
    label_id  text primary key,
    case_id   text not null,
    alert_id  text not null,
    verdict   text not null,
    labelled_by text not null,
    at        timestamptz not null,
    reason    text not null,
    rule_ids  text[] not null
);
create index labels_alert on labels (alert_id, at desc);

-- A label is published when it has a row here (outbox: the label is stored first, then sent).
create table label_publications (
    label_id     text primary key references labels(label_id),
    published_at timestamptz not null default now()
);

create table webhook_outbox (
    id               bigserial primary key,
    endpoint         text not null,
    format           text not null,
    event            text not null,
    idempotency_key  text not null,
    case_id          text not null,
    payload          text not null,
    created_at       timestamptz not null default now(),
    unique (endpoint, idempotency_key)
);

create table webhook_attempts (
    id          bigserial primary key,
    outbox_id   bigint not null references webhook_outbox(id) on delete cascade,
    attempt     int not null,
    at          timestamptz not null default now(),
    http_status int,
    error       text,
    delivered   boolean not null
);
create index webhook_attempts_outbox on webhook_attempts (outbox_id);

create table webhook_dead_letters (
    outbox_id  bigint primary key references webhook_outbox(id) on delete cascade,
    at         timestamptz not null default now(),
    attempts   int not null,
    last_error text
);

-- Append-only: the audit trail and labels are evidence for disputes. Only the retention job,
-- which deletes rows older than the dispute period, may remove them; nothing may change them.
create function refuse_update() returns trigger language plpgsql as $$
begin
    raise exception 'table % is append-only: add a new row instead of changing one', tg_table_name;
end $$;
create trigger audit_append_only before update on audit for each row execute function refuse_update();
create trigger labels_append_only before update on labels for each row execute function refuse_update();
create trigger attempts_append_only before update on webhook_attempts for each row execute function refuse_update();

-- ChatSDK core schema. Every tenant-scoped table carries app_id, and every query filters on it.

create table app (
    id                           uuid primary key,
    name                         text        not null,
    api_key                      text        not null unique,
    secret_ciphertext            bytea       not null,
    previous_secret_ciphertext   bytea,
    previous_secret_expires_at   timestamptz,
    settings                     text        not null default '{}',
    disabled                     boolean     not null default false,
    revoke_tokens_issued_before  timestamptz,
    created_at                   timestamptz not null,
    updated_at                   timestamptz not null
);

create table app_user (
    app_id                       uuid        not null references app (id) on delete cascade,
    id                           text        not null,
    name                         text,
    image                        text,
    role                         text        not null,
    custom                       jsonb       not null default '{}',
    deactivated_at               timestamptz,
    banned                       boolean     not null default false,
    ban_expires_at               timestamptz,
    ban_reason                   text,
    last_active_at               timestamptz,
    revoke_tokens_issued_before  timestamptz,
    created_at                   timestamptz not null,
    updated_at                   timestamptz not null,
    primary key (app_id, id)
);

create table channel_type (
    app_id      uuid        not null references app (id) on delete cascade,
    name        text        not null,
    built_in    boolean     not null default false,
    config      text        not null,
    grants      text        not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    primary key (app_id, name)
);

create table channel (
    pk               uuid        primary key,
    app_id           uuid        not null references app (id) on delete cascade,
    type             text        not null,
    id               text        not null,
    name             text,
    image            text,
    custom           jsonb       not null default '{}',
    created_by       text,
    frozen           boolean     not null default false,
    config_overrides text        not null default '{}',
    distinct_key     text,
    last_seq         bigint      not null default 0,
    truncated_seq    bigint      not null default 0,
    last_message_at  timestamptz,
    member_count     integer     not null default 0,
    created_at       timestamptz not null,
    updated_at       timestamptz not null,
    foreign key (app_id, type) references channel_type (app_id, name),
    unique (app_id, type, id)
);
create unique index channel_distinct_idx on channel (app_id, type, distinct_key) where distinct_key is not null;
create index channel_app_last_message_idx on channel (app_id, last_message_at desc nulls last);

create table channel_member (
    app_id         uuid        not null,
    channel_pk     uuid        not null references channel (pk) on delete cascade,
    user_id        text        not null,
    role           text        not null,
    last_read_seq  bigint      not null default 0,
    last_read_at   timestamptz,
    -- the channel is hidden for this member while channel.last_seq <= hidden_seq (a new message shows it again)
    hidden_seq     bigint,
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    primary key (channel_pk, user_id),
    foreign key (app_id, user_id) references app_user (app_id, id)
);
create index channel_member_user_idx on channel_member (app_id, user_id);

create table message (
    app_id             uuid        not null,
    id                 text        not null,
    channel_pk         uuid        not null references channel (pk) on delete cascade,
    seq                bigint      not null,
    user_id            text        not null,
    type               text        not null,
    text               text        not null default '',
    attachments        jsonb       not null default '[]',
    mentioned_users    text[]      not null default '{}',
    parent_id          text,
    show_in_channel    boolean     not null default false,
    reply_count        integer     not null default 0,
    quoted_message_id  text,
    pinned_at          timestamptz,
    pinned_by          text,
    pin_expires_at     timestamptz,
    silent             boolean     not null default false,
    custom             jsonb       not null default '{}',
    created_at         timestamptz not null,
    updated_at         timestamptz not null,
    edited_at          timestamptz,
    deleted_at         timestamptz,
    primary key (app_id, id),
    unique (channel_pk, seq)
);
create index message_thread_idx on message (app_id, parent_id, created_at) where parent_id is not null;
create index message_pinned_idx on message (channel_pk, pinned_at) where pinned_at is not null;

create table reaction (
    app_id      uuid        not null,
    message_id  text        not null,
    user_id     text        not null,
    type        text        not null,
    score       integer     not null default 1,
    custom      jsonb       not null default '{}',
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    primary key (app_id, message_id, user_id, type),
    foreign key (app_id, message_id) references message (app_id, id) on delete cascade
);

-- Sparse per-user message flags (Zulip's UserMessage idea): a row exists only when a bit is set.
-- bit 1 = mentioned, bit 2 = starred, bit 4 = flagged
create table user_message_flag (
    app_id      uuid    not null,
    user_id     text    not null,
    message_id  text    not null,
    channel_pk  uuid    not null references channel (pk) on delete cascade,
    seq         bigint  not null,
    flags       integer not null,
    primary key (app_id, user_id, message_id),
    foreign key (app_id, message_id) references message (app_id, id) on delete cascade
);
create index user_message_mentioned_idx on user_message_flag (app_id, user_id, channel_pk, seq) where (flags & 1) <> 0;
create index user_message_starred_idx on user_message_flag (app_id, user_id, seq) where (flags & 2) <> 0;
create index user_message_flagged_idx on user_message_flag (app_id, user_id, seq) where (flags & 4) <> 0;

-- Transactional outbox: written in the same transaction as the change it announces.
create table outbox_event (
    id            bigserial   primary key,
    app_id        uuid        not null,
    type          text        not null,
    cid           text,
    channel_pk    uuid,
    seq           bigint,
    payload       jsonb       not null,
    created_at    timestamptz not null,
    published_at  timestamptz
);
create index outbox_unpublished_idx on outbox_event (id) where published_at is null;

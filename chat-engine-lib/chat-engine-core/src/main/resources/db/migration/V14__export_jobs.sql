-- Compliance exports and data subject exports as background jobs (issue #19): an officer starts one, watches its
-- progress and downloads the file when it is done. The file is sealed with the app's data key (key_version) in the
-- BlobStore, like an upload, and deleted when it expires; the row stays as the record of what was exported.
create table export_job (
    id            uuid        primary key,
    app_id        uuid        not null references app (id) on delete cascade,
    kind          text        not null check (kind in ('messages', 'data_subject')),
    format        text        not null,
    request       text        not null,      -- the scope as JSON: from, to, user_ids, channel_cids (no content)
    requested_by  text        not null,
    -- queued: waiting for a node; running: a node writes it (heartbeat_at moves); done: downloadable until expires_at;
    -- failed: error says why, nothing stored; expired: the file is deleted
    state         text        not null default 'queued' check (state in ('queued', 'running', 'done', 'failed', 'expired')),
    attempts      int         not null default 0,
    done_messages bigint      not null default 0,
    total_messages bigint,
    key_version   int,
    storage_key   text        unique,
    size_bytes    bigint,
    sha256        text,
    error         text,
    created_at    timestamptz not null,
    started_at    timestamptz,
    heartbeat_at  timestamptz,
    finished_at   timestamptz,
    expires_at    timestamptz
);
create index export_job_app on export_job (app_id, created_at desc);
create index export_job_work on export_job (state, created_at) where state in ('queued', 'running');
create index export_job_expiry on export_job (expires_at) where state = 'done';

-- The console's dashboard counts messages and senders per day (issue #19). A BRIN index keeps that from reading the
-- whole table, at almost no cost to sends: messages are appended in created_at order, so block ranges stay tight.
create index message_created_brin on message using brin (created_at);

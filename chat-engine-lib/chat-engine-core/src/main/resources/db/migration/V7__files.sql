-- Files, images and voice notes (issue #16). The bytes live in a BlobStore (a directory, or an S3-compatible bucket),
-- sealed with the app's data key before they leave the engine; this table describes them.
create table file_object (
    id           uuid        primary key,
    app_id       uuid        not null references app (id) on delete cascade,
    channel_pk   uuid        not null,
    kind         text        not null check (kind in ('file', 'image')),
    uploaded_by  text,                       -- null: the app's server
    content_type text        not null,       -- sniffed from the bytes, never the client's word alone
    size_bytes   bigint      not null default 0,
    key_version  int         not null,
    meta         bytea,                      -- sealed JSON: file name, SHA-256, and for audio the duration and waveform
    storage_key  text        not null unique,
    -- pending: being written (a crash leaves it to the sweeper); ready: readable; deleted: its blob is being removed
    state        text        not null default 'pending' check (state in ('pending', 'ready', 'deleted')),
    message_id   text,                       -- the message that attached it, once one does
    created_at   timestamptz not null
);
create index file_object_channel on file_object (app_id, channel_pk);
create index file_object_message on file_object (app_id, message_id) where message_id is not null;
create index file_object_sweep on file_object (state, created_at) where state <> 'ready' or message_id is null;

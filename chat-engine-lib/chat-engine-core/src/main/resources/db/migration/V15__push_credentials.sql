-- Push credentials uploaded through the operator API (issue #19), instead of files in the FCM credentials directory:
-- a Firebase service-account key per app, sealed with the app's data key (key_version) and bound to the app. Only
-- what identifies the key is kept in the clear, for the console to show: the project, the service account's e-mail
-- and the key's id. Destroying the app's keys leaves the sealed key unreadable.
create table push_credential (
    app_id         uuid        not null references app (id) on delete cascade,
    provider       text        not null check (provider in ('fcm')),
    key_version    int         not null,
    sealed         bytea       not null,
    project_id     text        not null,
    client_email   text        not null,
    private_key_id text        not null,
    updated_at     timestamptz not null,
    updated_by     text        not null,
    primary key (app_id, provider)
);

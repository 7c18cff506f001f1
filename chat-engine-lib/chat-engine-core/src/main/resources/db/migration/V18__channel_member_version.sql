-- A number on each channel that every change to its set of members replaces (issue #15): a node may then keep a
-- channel's member ids in memory and know, from one small row, whether they are still the members. The WebSocket hub
-- looks a channel's members up for every event it delivers; with 1,000 members, reading them took about 1.5 ms of
-- PostgreSQL's and the driver's time per event (docs/performance.md, "A channel's members kept per node").
--
-- The numbers come from one sequence, so a channel never shows a number it showed before: not after a rollback, nor
-- should a channel be deleted and its key given to a new one. A new channel's row takes a fresh number too; rows that
-- exist before this migration keep 0 (adding the column with a constant default rewrites no row) until their members
-- next change.
--
-- Triggers replace it, not the engine's code, so that the engine's writers (adding and removing members, a data
-- subject's erasure, a deleted channel's cascade) and a hand edit with an ordinary statement all do. One statement
-- replaces it once per channel it touched, however many rows it wrote; TRUNCATE replaces every channel's. A member
-- row's other columns (read markers, mutes, roles, hidden channels) change often and leave it alone. What bypasses
-- triggers (session_replication_role = replica, disabled triggers) leaves nodes answering with the members they read
-- before; restart them after such a change.
create sequence channel_member_version_seq;
alter table channel add column member_version bigint not null default 0;
alter table channel alter column member_version set default nextval('channel_member_version_seq');

create function channel_member_version_raise() returns trigger language plpgsql as $$
begin
    update channel set member_version = nextval('channel_member_version_seq')
        where pk in (select distinct channel_pk from changed_members);
    return null;
end
$$;

create trigger channel_member_inserted after insert on channel_member
    referencing new table as changed_members for each statement execute function channel_member_version_raise();
create trigger channel_member_deleted after delete on channel_member
    referencing old table as changed_members for each statement execute function channel_member_version_raise();

-- the engine never moves a member row to another user or channel; should anything do so, both channels' numbers change
create function channel_member_version_moved() returns trigger language plpgsql as $$
begin
    update channel set member_version = nextval('channel_member_version_seq') where pk in (old.channel_pk, new.channel_pk);
    return null;
end
$$;

create trigger channel_member_moved after update of channel_pk, user_id on channel_member
    for each row when (old.channel_pk is distinct from new.channel_pk or old.user_id is distinct from new.user_id)
    execute function channel_member_version_moved();

create function channel_member_version_truncated() returns trigger language plpgsql as $$
begin
    update channel set member_version = nextval('channel_member_version_seq');
    return null;
end
$$;

create trigger channel_member_truncated after truncate on channel_member
    for each statement execute function channel_member_version_truncated();

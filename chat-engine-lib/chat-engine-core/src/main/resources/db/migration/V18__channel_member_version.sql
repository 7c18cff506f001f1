-- A number on each channel that every change to its set of members raises (issue #15): a node may then keep a
-- channel's member ids in memory and know, from one small row, whether they are still the members. The WebSocket hub
-- looks a channel's members up for every event it delivers; with 1,000 members, reading them took about 1.5 ms of
-- PostgreSQL's and the driver's time per event (docs/performance.md, "A channel's members kept per node").
--
-- Triggers raise it, not the engine's code, so that no path that adds or removes a member row can forget to: adding
-- and removing members, a deleted channel's rows (a cascade, which goes with the channel's row), a data subject's
-- erasure, or a hand edit of the table. One statement raises it once per channel it touched, however many rows it wrote. A member row's
-- other columns (read markers, mutes, roles, hidden channels) change often and leave it alone. Adding the column with
-- a constant default rewrites no row.
alter table channel add column member_version bigint not null default 0;

create function channel_member_version_raise() returns trigger language plpgsql as $$
begin
    update channel set member_version = member_version + 1 where pk in (select distinct channel_pk from changed_members);
    return null;
end
$$;

create trigger channel_member_inserted after insert on channel_member
    referencing new table as changed_members for each statement execute function channel_member_version_raise();
create trigger channel_member_deleted after delete on channel_member
    referencing old table as changed_members for each statement execute function channel_member_version_raise();

-- the engine never moves a member row to another user or channel; should anything do so, both channels' numbers rise
create function channel_member_version_moved() returns trigger language plpgsql as $$
begin
    update channel set member_version = member_version + 1 where pk in (old.channel_pk, new.channel_pk);
    return null;
end
$$;

create trigger channel_member_moved after update of channel_pk, user_id on channel_member
    for each row when (old.channel_pk is distinct from new.channel_pk or old.user_id is distinct from new.user_id)
    execute function channel_member_version_moved();

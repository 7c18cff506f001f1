-- Who placed an app-wide ban (GetStream's banned_by_id); channel bans already record it in channel_ban.banned_by.
alter table app_user add column banned_by text;

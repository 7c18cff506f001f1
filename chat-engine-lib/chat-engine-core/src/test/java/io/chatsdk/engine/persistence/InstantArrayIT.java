package io.chatsdk.engine.persistence;

import io.chatsdk.engine.internal.ContentKeys;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.testing.TestDatabase;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An array of instants reaches PostgreSQL as the same instants whatever the JVM's time zone, including the hour a
 * daylight-saving zone repeats (search term rows are matched to their message by exact time).
 */
@Isolated   // it changes the JVM's default time zone for its duration
class InstantArrayIT {

    @Test
    void instantsInTheRepeatedHourOfADaylightSavingZoneStayApart() {
        TimeZone before = TimeZone.getDefault();
        // the driver gives each new connection the JVM's zone, so the zone is set before the pool connects
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
        try (HikariDataSource ds = TestDatabase.freshDatabase(1);
             Db db = new Db(ds, new ContentKeys(KeyProvider.aesGcm(new byte[32]), new SecureRandom(), Clock.systemUTC()), () -> { })) {
            Instant summer = Instant.parse("2026-10-25T00:30:00.123456Z");   // 02:30:00.123456 CEST
            Instant winter = Instant.parse("2026-10-25T01:30:00.123456Z");   // 02:30:00.123456 CET, the same wall time
            String read = db.read(tx -> tx.one("select to_char((a[1] at time zone 'UTC'), 'HH24:MI:SS.US') || ' ' || to_char((a[2] at time zone 'UTC'), 'HH24:MI:SS.US') "
                    + "from (select ?::timestamptz[] as a) x", rs -> rs.getString(1), (Object) new Instant[] {summer, winter}).orElseThrow());
            assertThat(read).isEqualTo("00:30:00.123456 01:30:00.123456");
        } finally {
            TimeZone.setDefault(before);
        }
    }
}

package io.chatsdk.jakarta;

import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemMappersTest {
    @Test
    void aFiveOhThreesLogLineNamesItsCausesAndThePoolsCountsButNoStatementText() {
        var pool = new SQLTransientConnectionException("chatsdk - Connection is not available, request timed out after 5000ms (total=32, active=32, idle=0, waiting=3)",
                "08001", new SQLException("ERROR: duplicate key value (card)=(4111111111111111)", "08006"));
        var e = new ChatException(ErrorCode.UNAVAILABLE, "the database is unavailable; retry later", null, new jakarta.persistence.PersistenceException(pool));
        String line = ProblemMappers.Unavailable.causes(e);
        assertThat(line).startsWith("ChatException <- jakarta.persistence.PersistenceException <- java.sql.SQLTransientConnectionException: chatsdk - Connection is not available")
                .contains("(total=32, active=32, idle=0, waiting=3)")
                .endsWith("<- java.sql.SQLException (SQL state 08006)")
                .doesNotContain("4111");
    }

    @Test
    void aLongPoolMessageIsCut() {
        var e = new ChatException(ErrorCode.UNAVAILABLE, "x", null, new SQLTransientConnectionException("y".repeat(1000)));
        assertThat(ProblemMappers.Unavailable.causes(e)).hasSize("ChatException <- java.sql.SQLTransientConnectionException: ".length() + 300);
    }
}

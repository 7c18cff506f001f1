package io.chatsdk.appliance;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** How the appliance reads what a data directory's PostgreSQL says of itself (for waiting out a crash recovery). */
class PostmasterStatusTest {

    @Test
    void aRunningServerIsReadyAndAStoppedOneIsGone(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start()) {
            assertThat(Database.postmasterStatus(data)).isEqualTo("ready");
        }
        assertThat(Database.postmasterStatus(data)).isNull();
    }

    @Test
    void noPidFileOrAPidFileOfAnotherProgramMeansNoServer(@TempDir Path dir) throws Exception {
        assertThat(Database.postmasterStatus(dir)).isNull();
        // a stale pid file whose number now belongs to a live process that is not PostgreSQL (this JVM)
        Files.writeString(dir.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + dir + "\n1\n5432\n/tmp\n*\n0 0\nstarting\n");
        assertThat(Database.postmasterStatus(dir)).isNull();
        Files.writeString(dir.resolve("postmaster.pid"), "not a pid\n");
        assertThat(Database.postmasterStatus(dir)).isNull();
    }
}

package io.chatsdk.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

import javax.sql.DataSource;

/** Canary scans: what PostgreSQL wrote to its files. */
public final class DataFiles {
    private DataFiles() {
    }

    /** Flushes PostgreSQL's buffers to its files (CHECKPOINT) and returns its data directory. */
    public static Path checkpoint(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("checkpoint");
            try (ResultSet rs = s.executeQuery("show data_directory")) {
                rs.next();
                return Path.of(rs.getString(1));
            }
        }
    }

    /** Every file under {@code dir} (tables, indexes, TOAST, WAL) whose bytes contain {@code needle} in UTF-8. */
    public static List<Path> containing(Path dir, String needle) throws IOException {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return indexOf(Files.readAllBytes(f), n) >= 0;
                } catch (IOException e) {
                    if (Files.exists(f)) {
                        throw new UncheckedIOException(e);
                    }
                    return false;   // removed meanwhile (a recycled WAL segment)
                }
            }).toList();
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

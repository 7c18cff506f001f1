package io.chatsdk.engine.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The filesystem store: atomic commits, aborted writes, keys that cannot leave the directory, and crash leftovers. */
class FileSystemBlobStoreTest {
    @TempDir
    Path dir;

    @Test
    void aBlobIsVisibleOnlyOnceCommittedAndAnAbortedOneLeavesNothing() throws Exception {
        FileSystemBlobStore store = new FileSystemBlobStore(dir);
        try (BlobStore.Upload up = store.create("a/b/c")) {
            up.stream().write("hello".getBytes());
            assertThat(store.open("a/b/c")).isEmpty();
            up.commit();
        }
        try (SeekableByteChannel ch = store.open("a/b/c").orElseThrow()) {
            ByteBuffer buf = ByteBuffer.allocate(5);
            ch.read(buf);
            assertThat(new String(buf.array())).isEqualTo("hello");
        }
        try (BlobStore.Upload up = store.create("a/b/d")) {
            up.stream().write("never".getBytes());
        }
        assertThat(store.open("a/b/d")).isEmpty();
        try (var files = Files.walk(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".part")).toList()).isEmpty();
        }
        assertThat(store.delete("a/b/c")).isTrue();
        assertThat(store.delete("a/b/c")).isFalse();
    }

    @Test
    void keysCannotLeaveTheDirectory() throws Exception {
        FileSystemBlobStore store = new FileSystemBlobStore(dir);
        for (String key : new String[] {"../x", "a/../../x", "/etc/passwd", "a//b", "a/", "", "A", "a/./b", "a\\b"}) {
            assertThatThrownBy(() -> store.create(key)).as(key).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void leftoversOfAnInterruptedWriteAreSweptOnceOld() throws Exception {
        FileSystemBlobStore store = new FileSystemBlobStore(dir);
        Files.createDirectories(dir.resolve("apps/x"));
        Path old = Files.writeString(dir.resolve("apps/x/blob.123.part"), "half");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(7))));
        Path fresh = Files.writeString(dir.resolve("apps/x/blob.456.part"), "being written");
        Path blob = Files.writeString(dir.resolve("apps/x/blob"), "committed");
        Files.setLastModifiedTime(blob, FileTime.from(Instant.now().minus(Duration.ofDays(30))));
        assertThat(store.sweepLeftovers(Instant.now().minus(Duration.ofHours(6)))).isEqualTo(1);
        assertThat(old).doesNotExist();
        assertThat(fresh).exists();
        assertThat(blob).exists();
    }
}

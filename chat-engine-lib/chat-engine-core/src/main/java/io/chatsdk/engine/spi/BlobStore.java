package io.chatsdk.engine.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;

/**
 * Where files' bytes live: a directory ({@link FileSystemBlobStore}, the default) or an S3-compatible bucket (the
 * {@code connectors/s3} adapter). The engine hands it ciphertext only: every blob is sealed with the app's data key
 * before it is written. Keys are ASCII paths of {@code [a-z0-9/-]}. Implementations are thread-safe.
 *
 * <pre>{@code
 * try (BlobStore.Upload up = store.create("app/ab/abcd...")) {
 *     up.stream().write(bytes);
 *     up.commit();            // visible from here on; without commit, close() discards what was written
 * }
 * }</pre>
 */
public interface BlobStore {
    /** Starts writing a new blob; it becomes readable only when {@link Upload#commit} returns. */
    Upload create(String key) throws IOException;

    /** The blob, or empty when there is none. The caller closes the channel. */
    Optional<SeekableByteChannel> open(String key) throws IOException;

    /** Removes the blob; false when there was none. */
    boolean delete(String key) throws IOException;

    /**
     * Removes what writes that never committed or aborted left behind (a crash mid-upload), if older than
     * {@code before}; returns how many. Stores without such leftovers do nothing.
     */
    default int sweepLeftovers(java.time.Instant before) throws IOException {
        return 0;
    }

    /** A blob being written. */
    interface Upload extends AutoCloseable {
        OutputStream stream();

        /** Makes the written bytes the blob's content, atomically. */
        void commit() throws IOException;

        /** Discards the bytes unless {@link #commit} succeeded. */
        @Override
        void close() throws IOException;
    }

    /** Checks a blob key: 1-200 characters of {@code [a-z0-9/-]}, no empty, {@code .} or {@code ..} segment. */
    static String requireKey(String key) {
        if (key == null || key.isEmpty() || key.length() > 200 || !key.matches("[a-z0-9][a-z0-9/-]*") || key.contains("//") || key.endsWith("/")) {
            throw new IllegalArgumentException("not a blob key: " + key);
        }
        return key;
    }
}

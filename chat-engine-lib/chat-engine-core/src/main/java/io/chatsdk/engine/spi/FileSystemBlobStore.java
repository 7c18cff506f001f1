package io.chatsdk.engine.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * Blobs as files under one directory (the appliance's {@code data/files}). A blob is written to a temporary file
 * beside its final name and moved into place on commit, so a reader never sees half a blob and a crash leaves only a
 * {@code .part} file, which {@link #sweepLeftovers} removes later. Thread-safe.
 */
public final class FileSystemBlobStore implements BlobStore {
    private final Path root;

    public FileSystemBlobStore(Path root) throws IOException {
        this.root = Files.createDirectories(root).toRealPath();
    }

    public Path root() {
        return root;
    }

    @Override
    public Upload create(String key) throws IOException {
        Path target = path(key);
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".part");
        OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new Upload() {
            private boolean committed;
            private boolean closed;

            @Override
            public OutputStream stream() {
                return out;
            }

            @Override
            public void commit() throws IOException {
                out.close();
                try {
                    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
                }
                committed = true;
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                out.close();
                if (!committed) {
                    Files.deleteIfExists(part);
                }
            }
        };
    }

    @Override
    public Optional<SeekableByteChannel> open(String key) throws IOException {
        try {
            return Optional.of(Files.newByteChannel(path(key), StandardOpenOption.READ));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        return Files.deleteIfExists(path(key));
    }

    /** Deletes the {@code .part} files of writes a crash interrupted, last modified before {@code before}. */
    @Override
    public int sweepLeftovers(java.time.Instant before) throws IOException {
        int[] n = {0};
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.getFileName().toString().endsWith(".part")).forEach(p -> {
                try {
                    if (Files.getLastModifiedTime(p).toInstant().isBefore(before) && Files.deleteIfExists(p)) {
                        n[0]++;
                    }
                } catch (IOException e) {
                    // gone meanwhile, or not ours to delete: the next sweep tries again
                }
            });
        }
        return n[0];
    }

    private Path path(String key) {
        Path p = root.resolve(BlobStore.requireKey(key)).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("not a blob key: " + key);
        }
        return p;
    }
}

package io.chatsdk.engine.audit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a stream into lines of raw bytes at {@code '\n'}, keeping the bytes as they are so that the verifier can
 * judge their UTF-8 itself, and capping a line's length so that a damaged file cannot exhaust memory. Not
 * thread-safe; closes the stream it reads.
 */
final class LineReader implements Closeable {
    /** No honest export line comes near this; records hold small fields only. */
    static final int MAX_LINE_BYTES = 1 << 20;

    /** One line: its 1-based number, its bytes without the newline, and whether a newline ended it. */
    record Raw(long number, byte[] bytes, boolean terminated, boolean tooLong) {
    }

    private final InputStream in;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private long number;

    LineReader(InputStream in) {
        this.in = new BufferedInputStream(in, 64 * 1024);
    }

    /** The next line, or {@code null} at the end of the stream. */
    Raw next() throws IOException {
        buffer.reset();
        boolean tooLong = false;
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (buffer.size() < MAX_LINE_BYTES) {
                buffer.write(b);
            } else {
                tooLong = true;
            }
        }
        if (b == -1 && buffer.size() == 0 && !tooLong) {
            return null;
        }
        return new Raw(++number, buffer.toByteArray(), b == '\n', tooLong);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

package io.chatsdk.engine.export;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Lets a writer close its own layers (ZIP, CSV printer, encoders) without closing the caller's stream,
 * which the caller owns. Not thread-safe.
 */
final class KeepOpenOutputStream extends FilterOutputStream {
    KeepOpenOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        // FilterOutputStream would write byte by byte
        out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}

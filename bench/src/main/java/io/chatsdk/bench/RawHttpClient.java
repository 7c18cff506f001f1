package io.chatsdk.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking HTTP/1.1 client over one keep-alive socket, for measuring the server: the request is written and
 * the response read on the calling thread, with none of the JDK client's hand-offs between its selector and executor
 * threads (on two shared cores those hand-offs cost the client milliseconds that are not the server's). Reads
 * {@code Content-Length} and chunked bodies. Not thread-safe: one per client thread.
 */
final class RawHttpClient implements AutoCloseable {
    private final String hostName;
    private final int port;
    private final String host;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    RawHttpClient(String host, int port) throws IOException {
        this.hostName = host;
        this.port = port;
        this.host = host + ":" + port;
        connect();
    }

    /** Opens the connection; again after the server closed it (Payara ends a keep-alive connection after 256 requests). */
    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(hostName, port), 5000);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    /** Closes the connection and opens a new one (after a pause longer than the server's keep-alive timeout). */
    void reconnect() throws IOException {
        socket.close();
        connect();
    }

    /** Sends one POST and returns the status; the body is read and discarded. */
    int post(String pathAndQuery, String authorization, byte[] body) throws IOException {
        String head = "POST " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: " + authorization
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        String status = line();
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            String name = colon < 0 ? h : h.substring(0, colon).strip();
            String value = colon < 0 ? "" : h.substring(colon + 1).strip();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                close = true;
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(line().split(";")[0].strip(), 16); size > 0; size = Long.parseLong(line().split(";")[0].strip(), 16)) {
                skip(size);
                line();
            }
            line();
        } else if (length > 0) {
            skip(length);
        }
        if (close) {
            socket.close();
            connect();
        }
        return Integer.parseInt(status.split(" ")[1]);
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            long skipped = in.skip(n);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("the connection closed in a response body");
                }
                skipped = 1;
            }
            n -= skipped;
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection closed in a response");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

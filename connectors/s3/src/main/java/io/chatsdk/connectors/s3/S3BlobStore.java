package io.chatsdk.connectors.s3;

import io.chatsdk.engine.spi.BlobStore;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The engine's files in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, S3Proxy). A blob up to one part (8 MiB by
 * default) is one {@code PutObject}; a larger one streams as a multipart upload, one part in memory at a time, and is
 * aborted when it is not committed. Reads are ranged {@code GetObject}s of 1 MiB, so a range request or a seek reads
 * only what it needs. The engine seals every blob before it gets here. Thread-safe; {@link #close} closes the client.
 *
 * <pre>{@code
 * BlobStore store = S3BlobStore.builder().bucket("chat-files").endpoint(URI.create("https://minio.internal:9000"))
 *         .region("us-east-1").credentials(accessKey, secretKey).pathStyle(true).build();
 * }</pre>
 */
public final class S3BlobStore implements BlobStore, AutoCloseable {
    private static final int READ_AHEAD = 1024 * 1024;
    private final S3Client s3;
    private final String bucket;
    private final int partBytes;

    S3BlobStore(S3Client s3, String bucket, int partBytes) {
        this.s3 = s3;
        this.bucket = bucket;
        this.partBytes = partBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Upload create(String key) {
        String k = BlobStore.requireKey(key);
        return new Upload() {
            private final Parts out = new Parts();
            private String uploadId;
            private final List<CompletedPart> parts = new ArrayList<>();
            private boolean committed;
            private boolean closed;

            final class Parts extends OutputStream {
                private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    while (len > 0) {
                        int n = Math.min(len, partBytes - buffer.size());
                        buffer.write(b, off, n);
                        off += n;
                        len -= n;
                        if (buffer.size() == partBytes) {
                            flushPart();
                        }
                    }
                }

                void flushPart() throws IOException {
                    try {
                        if (uploadId == null) {
                            uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(k)).uploadId();
                        }
                        int number = parts.size() + 1;
                        String etag = s3.uploadPart(r -> r.bucket(bucket).key(k).uploadId(uploadId).partNumber(number),
                                RequestBody.fromBytes(buffer.toByteArray())).eTag();
                        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                        buffer.reset();
                    } catch (S3Exception e) {
                        throw new IOException("S3 refused part " + (parts.size() + 1) + " of " + k + ": " + e.awsErrorDetails().errorCode(), e);
                    }
                }
            }

            @Override
            public OutputStream stream() {
                return out;
            }

            @Override
            public void commit() throws IOException {
                try {
                    if (uploadId == null) {
                        s3.putObject(r -> r.bucket(bucket).key(k), RequestBody.fromBytes(out.buffer.toByteArray()));
                    } else {
                        if (out.buffer.size() > 0) {
                            out.flushPart();
                        }
                        s3.completeMultipartUpload(r -> r.bucket(bucket).key(k).uploadId(uploadId)
                                .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
                    }
                    committed = true;
                } catch (S3Exception e) {
                    throw new IOException("S3 refused " + k + ": " + e.awsErrorDetails().errorCode(), e);
                }
            }

            @Override
            public void close() {
                if (closed) {
                    return;
                }
                closed = true;
                if (!committed && uploadId != null) {
                    try {
                        s3.abortMultipartUpload(r -> r.bucket(bucket).key(k).uploadId(uploadId));
                    } catch (S3Exception e) {
                        // the bucket's lifecycle rule for incomplete uploads removes it (docs/operator-guide.md)
                    }
                }
            }
        };
    }

    @Override
    public Optional<SeekableByteChannel> open(String key) throws IOException {
        String k = BlobStore.requireKey(key);
        try {
            long size = s3.headObject(r -> r.bucket(bucket).key(k)).contentLength();
            return Optional.of(new Ranged(k, size));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new IOException("S3 refused " + k + ": " + e.statusCode(), e);
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        String k = BlobStore.requireKey(key);
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(k));
            return true;   // S3 does not say whether there was one
        } catch (S3Exception e) {
            throw new IOException("S3 refused to delete " + k + ": " + e.statusCode(), e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    /** A blob read by ranged GETs, 1 MiB ahead. */
    private final class Ranged implements SeekableByteChannel {
        private final String key;
        private final long size;
        private long position;
        private byte[] window = new byte[0];
        private long windowStart;
        private boolean open = true;

        Ranged(String key, long size) {
            this.key = key;
            this.size = size;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (position >= size) {
                return -1;
            }
            if (position < windowStart || position >= windowStart + window.length) {
                long end = Math.min(size, position + Math.max(READ_AHEAD, dst.remaining())) - 1;
                long from = position;
                try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(key).range("bytes=" + from + "-" + end))) {
                    window = in.readAllBytes();
                    windowStart = from;
                } catch (S3Exception e) {
                    throw new IOException("S3 refused a range of " + key + ": " + e.statusCode(), e);
                }
                if (window.length == 0) {
                    return -1;
                }
            }
            int offset = (int) (position - windowStart);
            int n = Math.min(dst.remaining(), window.length - offset);
            dst.put(window, offset, n);
            position += n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new NonWritableChannelException();
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            position = newPosition;
            return this;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public SeekableByteChannel truncate(long s) {
            throw new NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }

    /** Settings of the store; {@link #bucket} is required, the rest have the SDK's defaults. */
    public static final class Builder {
        private String bucket;
        private URI endpoint;
        private String region = "us-east-1";
        private String accessKey;
        private String secretKey;
        private boolean pathStyle;
        private int partBytes = 8 * 1024 * 1024;

        public Builder bucket(String bucket) {
            if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException("bucket must be an S3 bucket name (3-63 characters of a-z 0-9 . -), was " + bucket);
            }
            this.bucket = bucket;
            return this;
        }

        /** An S3-compatible server's URL (MinIO, Ceph); AWS's own endpoint when left out. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /** Static credentials; without them the SDK's default chain (environment, profile, instance role). */
        public Builder credentials(String accessKey, String secretKey) {
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return this;
        }

        /** Path-style URLs ({@code host/bucket/key}), which most self-hosted servers need. */
        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        /** The size of a multipart upload's parts: at least 5 MiB, S3's smallest part. */
        public Builder partBytes(int partBytes) {
            if (partBytes < 5 * 1024 * 1024) {
                throw new IllegalArgumentException("partBytes must be at least 5 MiB (S3's smallest part), was " + partBytes);
            }
            this.partBytes = partBytes;
            return this;
        }

        public S3BlobStore build() {
            if (bucket == null) {
                throw new IllegalStateException("bucket is required");
            }
            S3ClientBuilder b = S3Client.builder().region(Region.of(region)).httpClient(UrlConnectionHttpClient.create())
                    .forcePathStyle(pathStyle)
                    // the SDK's newer default (a CRC trailer on every upload) is unknown to many S3-compatible servers;
                    // the content is sealed with AES-GCM anyway, which detects any change
                    .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                    .credentialsProvider(accessKey == null ? DefaultCredentialsProvider.builder().build()
                            : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
            if (endpoint != null) {
                b.endpointOverride(endpoint);
            }
            return new S3BlobStore(b.build(), bucket, partBytes);
        }
    }
}

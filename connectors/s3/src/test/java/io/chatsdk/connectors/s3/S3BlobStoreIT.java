package io.chatsdk.connectors.s3;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.files.Files;
import io.chatsdk.engine.files.StoredFile;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.spi.BlobStore;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.testing.TestDatabase;
import io.chatsdk.engine.types.Cid;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The S3 store against a real S3-compatible server: S3Proxy (Apache 2.0, from Maven Central) started in-process on a
 * directory, speaking the S3 REST protocol with AWS v4 signatures to the AWS SDK. Single and multipart uploads,
 * aborted uploads, ranged reads, deletes, and the engine's files through it with a canary that must not reach the
 * server's storage in clear.
 */
class S3BlobStoreIT {
    static S3Proxy proxy;
    static Path storage;
    static S3BlobStore store;

    @BeforeAll
    static void start() throws Exception {
        storage = java.nio.file.Files.createTempDirectory("s3proxy");
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", storage.toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem").overrides(p).build(BlobStoreContext.class);
        context.getBlobStore().createContainerInLocation(null, "chat-files");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret").build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        store = S3BlobStore.builder().bucket("chat-files").endpoint(URI.create("http://127.0.0.1:" + port)).region("us-east-1")
                .credentials("test-access", "test-secret").pathStyle(true).partBytes(5 * 1024 * 1024).build();
    }

    @AfterAll
    static void stop() throws Exception {
        store.close();
        proxy.stop();
    }

    static byte[] read(SeekableByteChannel ch, long from, int length) throws Exception {
        ch.position(from);
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining() && ch.read(buf) > 0) {
            // fill
        }
        return java.util.Arrays.copyOf(buf.array(), buf.position());
    }

    @Test
    void smallAndMultipartBlobsRoundTripWithRangesAndDeletes() throws Exception {
        byte[] small = "a small blob".getBytes(StandardCharsets.UTF_8);
        try (BlobStore.Upload up = store.create("t/small")) {
            up.stream().write(small);
            up.commit();
        }
        byte[] big = new byte[12 * 1024 * 1024 + 123];   // three parts of 5 MiB, the last one short
        new Random(7).nextBytes(big);
        try (BlobStore.Upload up = store.create("t/big")) {
            OutputStream out = up.stream();
            for (int i = 0; i < big.length; i += 100_000) {
                out.write(big, i, Math.min(100_000, big.length - i));
            }
            up.commit();
        }
        try (SeekableByteChannel ch = store.open("t/small").orElseThrow()) {
            assertThat(ch.size()).isEqualTo(small.length);
            assertThat(read(ch, 0, small.length)).isEqualTo(small);
            assertThat(read(ch, 2, 5)).isEqualTo("small".getBytes());
        }
        try (SeekableByteChannel ch = store.open("t/big").orElseThrow()) {
            assertThat(ch.size()).isEqualTo(big.length);
            assertThat(read(ch, 11 * 1024 * 1024, 4096)).isEqualTo(java.util.Arrays.copyOfRange(big, 11 * 1024 * 1024, 11 * 1024 * 1024 + 4096));
            assertThat(read(ch, 0, big.length)).isEqualTo(big);
        }
        assertThat(store.delete("t/small")).isTrue();
        assertThat(store.open("t/small")).isEmpty();
        assertThat(store.open("t/never")).isEmpty();
    }

    @Test
    void anUploadThatIsNotCommittedLeavesNothing() throws Exception {
        try (BlobStore.Upload up = store.create("t/aborted")) {
            up.stream().write(new byte[6 * 1024 * 1024]);   // one part already sent
        }
        try (BlobStore.Upload up = store.create("t/aborted-small")) {
            up.stream().write(new byte[10]);
        }
        assertThat(store.open("t/aborted")).isEmpty();
        assertThat(store.open("t/aborted-small")).isEmpty();
    }

    @Test
    void theEnginesFilesGoThroughItSealed() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try (var ds = TestDatabase.freshDatabase();
             ChatEngine engine = ChatEngine.builder().dataSource(ds).keyProvider(KeyProvider.aesGcm(key)).blobStore(store).build()) {
            AppHandle app = engine.app(engine.apps().create("s3").appId());
            app.users().upsertAll(List.of(io.chatsdk.engine.model.UserInput.of("u1")));
            Cid cid = app.channels().getOrCreate("messaging", "s3", ChannelInput.withMembers("u1", List.of())).channel().cid();
            String canary = "canary-" + UUID.randomUUID();
            byte[] content = ("a file with " + canary + " inside, " + "x".repeat(200_000)).getBytes(StandardCharsets.UTF_8);
            StoredFile f = app.as("u1").files().upload(cid, Files.Kind.FILE, "c.txt", "text/plain", new ByteArrayInputStream(content), null);
            try (Files.Download d = app.as("u1").files().open(f.id())) {
                assertThat(read(d.content(), 0, content.length)).isEqualTo(content);
                assertThat(read(d.content(), 12, canary.length())).isEqualTo(canary.getBytes(StandardCharsets.UTF_8));
            }
            try (Stream<Path> s = java.nio.file.Files.walk(storage)) {
                List<Path> stored = s.filter(java.nio.file.Files::isRegularFile).toList();
                assertThat(stored).isNotEmpty();
                for (Path p : stored) {
                    assertThat(new String(java.nio.file.Files.readAllBytes(p), StandardCharsets.ISO_8859_1)).as(p.toString()).doesNotContain(canary);
                }
            }
            app.as("u1").files().delete(cid, f.id());
            try (Stream<Path> s = java.nio.file.Files.walk(storage)) {
                assertThat(s.filter(p -> p.toString().contains(f.id().toString())).toList()).isEmpty();
            }
        }
    }
}

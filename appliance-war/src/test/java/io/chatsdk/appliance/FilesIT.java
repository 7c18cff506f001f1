package io.chatsdk.appliance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files on the real appliance (issue #16): GetStream-shaped uploads into the filesystem store under the data
 * directory, sealed there; signed and authenticated downloads with ranges; and every hostile upload the issue lists,
 * each with its code, leaving nothing stored.
 */
class FilesIT {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static TestAppliance appliance;
    static Api api;
    static Api other;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        api = Api.newApp(appliance, "files");
        other = Api.newApp(appliance, "files-other");
        api.users("ann", "ben", "eve");
        other.users("ann");
        assertThat(api.as("ann", "POST", "/channels/messaging/f1/query", Map.of("data", Map.of("members", List.of("ann", "ben")))).status()).isEqualTo(200);
        assertThat(other.as("ann", "POST", "/channels/messaging/f1/query", Map.of("data", Map.of("members", List.of("ann")))).status()).isEqualTo(200);
    }

    @Test
    void aFileIsStoredSealedAndServedThroughItsSignedLinkWithRanges() throws Exception {
        String canary = "canary-" + UUID.randomUUID();
        byte[] text = ("hello " + canary + " bye").getBytes(StandardCharsets.UTF_8);
        Api.Res up = upload(api, "ann", "file", "notes.txt", "text/plain", text);
        assertThat(up.status()).as(up.toString()).isEqualTo(200);
        String url = (String) up.json().get("file");
        assertThat(url).contains("/api/v1/files/").contains("sig=").contains("exp=");

        HttpResponse<byte[]> got = get(URI.create(url), Map.of());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(text);
        assertThat(got.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(got.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        // web apps on the customer's own site (the white-label app's web build) embed images and voice notes
        assertThat(got.headers().firstValue("Cross-Origin-Resource-Policy")).hasValue("cross-origin");
        assertThat(got.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(c -> assertThat(c).contains("sandbox").contains("default-src 'none'"));
        assertThat(got.headers().firstValue("Content-Disposition")).hasValueSatisfying(d -> assertThat(d).startsWith("inline").contains("notes.txt"));

        HttpResponse<byte[]> part = get(URI.create(url), Map.of("Range", "bytes=6-11"));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(new String(part.body(), StandardCharsets.UTF_8)).isEqualTo(canary.substring(0, 6));
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 6-11/" + text.length);
        assertThat(new String(get(URI.create(url), Map.of("Range", "bytes=-3")).body(), StandardCharsets.UTF_8)).isEqualTo("bye");
        assertThat(get(URI.create(url), Map.of("Range", "bytes=999-")).statusCode()).isEqualTo(416);
        assertThat(get(URI.create(url), Map.of("Range", "bytes=99999999999999999999999-")).statusCode()).isEqualTo(416);
        // text with a name of its own: JSON declared as such
        Api.Res json = upload(api, "ann", "file", "data.json", "application/json", "{\"a\": 1}".getBytes(StandardCharsets.UTF_8));
        assertThat(json.status()).as(json.toString()).isEqualTo(200);
        assertThat(get(URI.create((String) json.json().get("file")), Map.of()).headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));

        // the canary is nowhere in clear under the data directory: not in the files, not in the database
        assertThat(containsAnywhere(appliance.dataDir, canary.getBytes(StandardCharsets.UTF_8))).as("files holding the canary").isEmpty();
    }

    @Test
    void linksAndCredentialsAreCheckedTenancyIncluded() throws Exception {
        Api.Res up = upload(api, "ann", "file", "a.txt", null, "secret text".getBytes(StandardCharsets.UTF_8));
        String url = (String) up.json().get("file");
        String id = url.replaceAll(".*/files/([0-9a-f-]{36}).*", "$1");
        // altered signature, altered expiry, another app's key: refused
        assertThat(status(url.replaceAll("sig=([0-9a-f])", "sig=0$1"))).isEqualTo(403);
        assertThat(status(url.replaceAll("exp=(\\d+)", "exp=9$1"))).isEqualTo(403);
        assertThat(status(url.replaceAll("api_key=[^&]+", "api_key=" + other.apiKey))).isEqualTo(403);
        URI altered = URI.create(url.replaceAll("sig=([0-9a-f])", "sig=0$1"));
        Api.Res forged = Api.send(appliance, "GET", altered.getRawPath() + "?" + altered.getRawQuery(), null, null, Map.of());
        assertThat(forged.json()).containsEntry("code", "file_link_invalid");
        // with credentials: a member reads it, a non-member may not, another app does not know it
        assertThat(getAs(api, "ben", id).statusCode()).isEqualTo(200);
        assertThat(getAs(api, "eve", id).statusCode()).isEqualTo(403);
        assertThat(getAs(other, "ann", id).statusCode()).isEqualTo(404);
        assertThat(getAs(api, "ben", UUID.randomUUID().toString()).statusCode()).isEqualTo(404);
        // uploads: a non-member may not, another app's channel id is this app's own (not found here)
        assertThat(upload(api, "eve", "file", "x.txt", null, "x".getBytes()).status()).isEqualTo(403);
        assertThat(uploadTo(api, "nowhere", "ann", "file", "x.txt", null, "x".getBytes()).json()).containsEntry("code", "channel_not_found");
        // deleting: not someone else's file, then the uploader's delete makes it unreachable
        assertThat(api.as("ben", "DELETE", "/channels/messaging/f1/file?url=" + enc(url), null).status()).isEqualTo(403);
        assertThat(api.as("ann", "DELETE", "/channels/messaging/f1/file?url=" + enc(url), null).status()).isEqualTo(200);
        assertThat(status(url)).isEqualTo(404);
    }

    @Test
    void hostileUploadsAreRefusedWithTheirCodesAndLeaveNothing() throws Exception {
        long blobsBefore = blobs();
        // a declared type that lies, and a name that lies
        assertThat(upload(api, "ann", "file", "a.png", "image/png", zip()).json()).containsEntry("code", "file_type_mismatch");
        assertThat(upload(api, "ann", "file", "report.pdf", null, "just text".getBytes()).json()).containsEntry("code", "file_type_mismatch");
        assertThat(upload(api, "ann", "file", "page.txt", "text/plain", "<!DOCTYPE html><html><script>alert(1)</script></html>".getBytes()).json())
                .containsEntry("code", "file_type_mismatch");
        // not an image on the image endpoint
        assertThat(upload(api, "ann", "image", "a.txt", null, "plain".getBytes()).json()).containsEntry("code", "file_type_not_allowed");
        // names with path traversal and bidirectional overrides
        Api.Res traversal = upload(api, "ann", "file", "../../etc/passwd", null, "x".getBytes());
        assertThat(traversal.status()).isEqualTo(400);
        assertThat(traversal.json()).containsEntry("field", "file.name");
        assertThat(upload(api, "ann", "file", "invoice\u202Etxt.exe", null, "x".getBytes()).json()).containsEntry("field", "file.name");
        assertThat(upload(api, "ann", "file", "evil.exe.", null, "MZ".getBytes()).json()).containsEntry("field", "file.name");
        // a pixel bomb: 100,000 x 100,000 declared in a few bytes
        assertThat(upload(api, "ann", "image", "bomb.png", "image/png", pngHeaderOnly(100_000, 100_000)).json()).containsEntry("code", "file_too_large");
        // truncated and malformed multipart bodies
        byte[] whole = multipart("file", "t.txt", "text/plain", "complete text".getBytes(), BOUNDARY);
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 30);
        Api.Res truncated = Api.sendBytes(appliance, "POST", api.withKey("/channels/messaging/f1/file"), cut, "multipart/form-data; boundary=" + BOUNDARY,
                Map.of("Authorization", api.userToken("ann")));
        assertThat(truncated.status()).isEqualTo(400);
        assertThat(truncated.json()).containsEntry("code", "malformed_upload");
        assertThat(Api.sendBytes(appliance, "POST", api.withKey("/channels/messaging/f1/file"), "not multipart".getBytes(), "multipart/form-data; boundary=zz",
                Map.of("Authorization", api.userToken("ann"))).json()).containsEntry("code", "malformed_upload");
        assertThat(Api.sendBytes(appliance, "POST", api.withKey("/channels/messaging/f1/file"), whole, "multipart/form-data; boundary=" + BOUNDARY,
                Map.of("Authorization", api.userToken("ann"))).status()).as("the same body, whole, is fine").isEqualTo(200);
        assertThat(blobs()).as("blobs: only the one good upload").isEqualTo(blobsBefore + 1);
    }

    @Test
    void theAppsUploadSettingsAndSizeLimitApply() throws Exception {
        Api app = Api.newApp(appliance, "files-limits");
        app.users("ann");
        assertThat(app.as("ann", "POST", "/channels/messaging/l1/query", Map.of("data", Map.of("members", List.of("ann")))).status()).isEqualTo(200);
        Api.Res set = app.asServer("PATCH", "/app", Map.of("file_upload_config", Map.of("size_limit", 1000, "blocked_mime_types", List.of("application/zip"),
                "blocked_file_extensions", List.of("exe"))));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(app.as("ann", "PATCH", "/app", Map.of("file_upload_config", Map.of())).status()).as("server only").isEqualTo(403);
        assertThat(app.asServer("PATCH", "/app", Map.of("push_config", Map.of())).json()).containsEntry("code", "unknown_field");

        Api.Res big = uploadTo(app, "l1", "ann", "file", "big.txt", null, "x".repeat(2000).getBytes());
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.json()).containsEntry("code", "file_too_large");
        assertThat(big.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(uploadTo(app, "l1", "ann", "file", "a.zip", null, zip()).json()).containsEntry("code", "file_type_not_allowed");
        assertThat(uploadTo(app, "l1", "ann", "file", "run.exe", null, "MZ".getBytes()).json()).containsEntry("code", "file_type_not_allowed");
        assertThat(uploadTo(app, "l1", "ann", "file", "ok.txt", null, "fine".getBytes()).status()).isEqualTo(200);

        // the operator's quota
        Api.Res quota = Api.operator(appliance, "PUT", "/admin/api/apps/" + app.appId + "/uploads", Map.of("quota_bytes", 10));
        assertThat(quota.status()).as(quota.toString()).isEqualTo(200);
        assertThat(quota.obj("uploads")).containsEntry("bytes", 4).containsEntry("files", 1);
        assertThat(uploadTo(app, "l1", "ann", "file", "more.txt", null, "1234567".getBytes()).json()).containsEntry("code", "upload_quota_exceeded");
    }

    @Test
    void imagesLoseTheirMetadataAndWhateverIsAppended() throws Exception {
        byte[] jpeg = withExif(jpeg(), "GPSLatitude canary-exif");
        Api.Res up = upload(api, "ann", "image", "photo.jpg", "image/jpeg", jpeg);
        assertThat(up.status()).as(up.toString()).isEqualTo(200);
        byte[] served = get(URI.create((String) up.json().get("file")), Map.of()).body();
        assertThat(ImageIO.read(new java.io.ByteArrayInputStream(served))).isNotNull();
        assertThat(new String(served, StandardCharsets.ISO_8859_1)).doesNotContain("Exif").doesNotContain("canary-exif");

        // a PNG that is also an HTML page: stored as the PNG it decodes to, without the page
        byte[] polyglot = concat(png(), "<html><script>alert(document.cookie)</script></html>".getBytes());
        Api.Res poly = upload(api, "ann", "image", "poly.png", null, polyglot);
        assertThat(poly.status()).isEqualTo(200);
        HttpResponse<byte[]> p = get(URI.create((String) poly.json().get("file")), Map.of());
        assertThat(p.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(new String(p.body(), StandardCharsets.ISO_8859_1)).doesNotContain("<script");
    }

    @Test
    void imagesHaveAThumbnailAndResizeOnRequest() throws Exception {
        BufferedImage wide = new BufferedImage(1000, 600, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(wide, "png", png);
        Api.Res up = upload(api, "ann", "image", "wide.png", "image/png", png.toByteArray());
        assertThat(up.status()).as(up.toString()).isEqualTo(200);
        String thumb = (String) up.json().get("thumb_url");
        BufferedImage t = ImageIO.read(new java.io.ByteArrayInputStream(get(URI.create(thumb), Map.of()).body()));
        assertThat(t.getWidth()).isEqualTo(512);
        assertThat(t.getHeight()).isEqualTo(307);
        String file = (String) up.json().get("file");
        BufferedImage square = ImageIO.read(new java.io.ByteArrayInputStream(get(URI.create(file + "&w=100&h=100&crop=center"), Map.of()).body()));
        assertThat(square.getWidth()).isEqualTo(100);
        assertThat(square.getHeight()).isEqualTo(100);
        BufferedImage big = ImageIO.read(new java.io.ByteArrayInputStream(get(URI.create(file + "&w=800"), Map.of()).body()));
        assertThat(big.getWidth()).as("from the original, not the thumbnail").isEqualTo(800);
        assertThat(get(URI.create(file + "&w=abc"), Map.of()).statusCode()).isEqualTo(400);
        assertThat(get(URI.create(file + "&w=99999"), Map.of()).statusCode()).isEqualTo(400);
        assertThat(get(URI.create(file + "&w=10&crop=diagonal"), Map.of()).statusCode()).isEqualTo(400);
        String text = (String) upload(api, "ann", "file", "t.txt", null, "text".getBytes()).json().get("file");
        assertThat(get(URI.create(text + "&w=10"), Map.of()).statusCode()).as("only images resize").isEqualTo(400);
    }

    @Test
    void aFileGoesWithItsMessage() throws Exception {
        Api.Res up = upload(api, "ann", "file", "m.txt", null, "attached".getBytes());
        String url = (String) up.json().get("file");
        Api.Res sent = api.as("ann", "POST", "/channels/messaging/f1/message", Map.of("message", Map.of("id", "with-file-" + UUID.randomUUID(),
                "text", "see", "attachments", List.of(Map.of("type", "file", "asset_url", url, "title", "m.txt")))));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
        String messageId = (String) sent.obj("message").get("id");
        assertThat(status(url)).isEqualTo(200);
        assertThat(api.as("ann", "DELETE", "/messages/" + messageId + "?hard=true", null).status()).isEqualTo(200);
        assertThat(status(url)).isEqualTo(404);
    }

    @Test
    void complianceSeesTheManifestAndTheBytesOfHeldFiles() throws Exception {
        Api app = Api.newApp(appliance, "files-compliance");
        app.users("ann");
        assertThat(app.as("ann", "POST", "/channels/messaging/c1/query", Map.of("data", Map.of("members", List.of("ann")))).status()).isEqualTo(200);
        Map<String, String> officer = Map.of("Authorization", "Bearer " + TestAppliance.OPERATOR_TOKEN, "X-Actor", "officer.jane");
        String base = "/admin/api/apps/" + app.appId + "/compliance";
        assertThat(Api.send(appliance, "POST", base + "/legal-holds", Api.JSON.writeValueAsString(Map.of("name", "case", "reason", "litigation",
                "user_ids", List.of("ann"))), "application/json", officer).status()).isEqualTo(201);
        byte[] content = "evidence".getBytes(StandardCharsets.UTF_8);
        String url = (String) uploadTo(app, "c1", "ann", "file", "evidence.txt", null, content).json().get("file");
        Api.Res sent = app.as("ann", "POST", "/channels/messaging/c1/message", Map.of("message", Map.of("text", "x",
                "attachments", List.of(Map.of("type", "file", "asset_url", url)))));
        assertThat(app.as("ann", "DELETE", "/messages/" + sent.obj("message").get("id") + "?hard=true", null).status()).isEqualTo(200);
        assertThat(status(url)).as("users no longer reach it").isEqualTo(404);

        // GetStream's server SDKs send the user part after the file: the uploader is recorded all the same
        byte[] serverBody = concat(java.util.Arrays.copyOf(multipart("file", "by-server.txt", null, "from the back end".getBytes(), BOUNDARY),
                multipart("file", "by-server.txt", null, "from the back end".getBytes(), BOUNDARY).length - ("--" + BOUNDARY + "--\r\n").length()),
                ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\n{\"id\":\"ann\"}\r\n--" + BOUNDARY + "--\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        Api.Res byServer = Api.sendBytes(appliance, "POST", app.withKey("/channels/messaging/c1/file"), serverBody, "multipart/form-data; boundary=" + BOUNDARY,
                Map.of("Authorization", app.serverToken()));
        assertThat(byServer.status()).as(byServer.toString()).isEqualTo(200);

        Api.Res manifest = Api.send(appliance, "GET", base + "/files?user_ids=ann", null, null, officer);
        assertThat(manifest.status()).as(manifest.toString()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> files = (List<Map<String, Object>>) manifest.json().get("files");
        assertThat(files).hasSize(2);
        assertThat(files.get(1)).containsEntry("name", "by-server.txt").containsEntry("uploaded_by", "ann");
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        assertThat(files.get(0)).containsEntry("sha256", sha).containsEntry("name", "evidence.txt").containsEntry("uploaded_by", "ann");
        HttpResponse<byte[]> bytes = get(appliance.uri(base + "/files/" + files.get(0).get("id")), officer);
        assertThat(bytes.statusCode()).isEqualTo(200);
        assertThat(bytes.body()).isEqualTo(content);
        assertThat(get(appliance.uri(base + "/files/" + files.get(0).get("id")), Map.of("Authorization", "Bearer wrong", "X-Actor", "x")).statusCode())
                .isEqualTo(401);
    }

    // ---- helpers

    static final String BOUNDARY = "----chatsdk-test-boundary";
    static final AtomicInteger SEQ = new AtomicInteger();

    static Api.Res upload(Api api, String user, String kind, String name, String type, byte[] content) throws Exception {
        return uploadTo(api, "f1", user, kind, name, type, content);
    }

    static Api.Res uploadTo(Api api, String channel, String user, String kind, String name, String type, byte[] content) throws Exception {
        return Api.sendBytes(appliance, "POST", api.withKey("/channels/messaging/" + channel + "/" + kind),
                multipart("file", name, type, content, BOUNDARY), "multipart/form-data; boundary=" + BOUNDARY, Map.of("Authorization", api.userToken(user)));
    }

    static byte[] multipart(String field, String name, String type, byte[] content, String boundary) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + name + "\"\r\n"
                + (type == null ? "" : "Content-Type: " + type + "\r\n") + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static HttpResponse<byte[]> get(URI uri, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> getAs(Api api, String user, String fileId) throws Exception {
        return get(appliance.uri(api.withKey("/files/" + fileId)), Map.of("Authorization", api.userToken(user)));
    }

    static int status(String url) throws Exception {
        return get(URI.create(url), Map.of()).statusCode();
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static long blobs() throws Exception {
        Path dir = appliance.dataDir.resolve("files");
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    static List<Path> containsAnywhere(Path root, byte[] needle) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                try {
                    return indexOf(Files.readAllBytes(p), needle) >= 0;
                } catch (java.io.IOException e) {
                    return false;   // a file that vanished while walking (WAL segments rotate)
                }
            }).toList();
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static byte[] zip() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(out)) {
            z.putNextEntry(new java.util.zip.ZipEntry("a.txt"));
            z.write("zipped".getBytes());
        }
        return out.toByteArray();
    }

    static byte[] png() throws Exception {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 1, 0xff0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static byte[] jpeg() throws Exception {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        img.setRGB(2, 2, 0x00ff00);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", out);
        return out.toByteArray();
    }

    /** The JPEG with an APP1 Exif segment holding {@code text} right after SOI. */
    static byte[] withExif(byte[] jpeg, String text) {
        byte[] payload = concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), text.getBytes(StandardCharsets.ISO_8859_1));
        int len = payload.length + 2;
        byte[] app1 = concat(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len}, payload);
        return concat(concat(java.util.Arrays.copyOf(jpeg, 2), app1), java.util.Arrays.copyOfRange(jpeg, 2, jpeg.length));
    }

    /** A PNG signature and IHDR declaring the size, then IEND: a decoder learns the size without any pixels. */
    static byte[] pngHeaderOnly(int w, int h) {
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        return concat(concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, chunk("IHDR", ihdr.array())), chunk("IEND", new byte[0]));
    }

    static byte[] chunk(String type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(type.getBytes(StandardCharsets.US_ASCII));
        crc.update(data);
        return java.nio.ByteBuffer.allocate(12 + data.length).putInt(data.length).put(type.getBytes(StandardCharsets.US_ASCII)).put(data)
                .putInt((int) crc.getValue()).array();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}

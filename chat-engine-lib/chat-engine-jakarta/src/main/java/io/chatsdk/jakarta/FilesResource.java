package io.chatsdk.jakarta;

import io.chatsdk.engine.files.Files;
import io.chatsdk.engine.files.StoredFile;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.wire.FileLinks;

import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files in GetStream's shape: {@code POST /channels/{type}/{id}/file} and {@code /image} (multipart, field
 * {@code file}; a server token may add a {@code user} field, {@code {"id": ...}}) answer {@code {"file": url}}, a
 * link signed for {@link #LINK_TTL}; {@code DELETE} of the same paths with {@code ?url=} (those four are routed by
 * {@link ChannelsResource}, which owns {@code /channels}, and handled here); and {@code GET /files/{id}} downloads,
 * with the caller's credentials or a signed link, with range requests.
 */
@Path("files")
@ApplicationScoped
public class FilesResource extends ApiResource {
    /** How long the links that uploads answer with work (reads of a message sign its links afresh). */
    static final Duration LINK_TTL = io.chatsdk.engine.files.Files.LINK_TTL;
    private static final Pattern BYTES = Pattern.compile("bytes=(\\d*)-(\\d*)");

    /** Downloads a file: with credentials (read access to its channel), or with a signed link's {@code exp} and {@code sig}. */
    @GET
    @Path("{fileId}")
    @SignedLink
    public Response download(@PathParam("fileId") String fileId, @QueryParam("v") String v, @QueryParam("exp") String exp, @QueryParam("sig") String sig,
                             @QueryParam("w") String w, @QueryParam("h") String h, @QueryParam("crop") String crop,
                             @HeaderParam("Range") String range, @Context UriInfo uriInfo) {
        UUID id = uuid(fileId);
        Files.Download d;
        Files files;
        if (sig != null) {
            String apiKey = uriInfo.getQueryParameters().getFirst("api_key");
            AppId app = (apiKey == null ? java.util.Optional.<AppDirectory.Entry>empty() : ctx.apps().byApiKey(apiKey))
                    .filter(e -> !e.app().disabled()).map(e -> e.app().id())
                    .orElseThrow(() -> new ApiException(403, "file_link_invalid", "the link names no app"));
            long expires;
            int version;
            try {
                expires = Long.parseLong(exp);
                version = Integer.parseInt(v);
            } catch (NumberFormatException | NullPointerException e) {
                throw new ApiException(403, "file_link_invalid", "the link has no valid v and exp");
            }
            files = ctx.engine().app(app).files();
            d = files.openSigned(id, version, expires, sig);
        } else {
            files = caller().app().files();
            d = files.open(id);
        }
        if (w != null || h != null || crop != null) {
            try {
                d = files.resized(d, side("w", w), side("h", h), crop);
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return serve(d, range);
    }

    /** Reads an upload for {@code r}, the resource the request reached. */
    static Response upload(ApiResource r, UriInfo uriInfo, Cid cid, Files.Kind kind, String contentType, String contentLength, InputStream in) {
        Files files = r.caller().app().files();
        long length = -1;
        if (contentLength != null) {
            try {
                length = Long.parseLong(contentLength.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("malformed_upload", "Content-Length is not a number", null);
            }
        }
        if (length > r.ctx.engine().maxUploadBytes() + 64 * 1024) {
            throw new ApiException(413, "file_too_large", "the upload is larger than " + r.ctx.engine().maxUploadBytes() + " bytes");
        }
        String userId = null;
        StoredFile stored = null;
        int seen = 0;
        try {
            FileItemInputIterator parts = Multipart.parts(in, contentType, length, 4);
            while (parts.hasNext()) {
                FileItemInput part = parts.next();
                if (++seen > 4) {
                    throw ApiException.badRequest("malformed_upload", "an upload has at most the parts file and user", null);
                }
                switch (part.getFieldName() == null ? "" : part.getFieldName()) {
                    case "user" -> {
                        if (!r.caller().server()) {
                            throw ApiException.badRequest("validation_error", "user: only a server token names the uploader", "user");
                        }
                        userId = ApiJson.read(part.getInputStream(), 4096).requireString("id");
                        if (stored != null) {
                            files.assignUploader(stored.id(), userId);   // GetStream's server SDKs send the user after the file
                        }
                    }
                    case "file" -> {
                        if (stored != null || part.isFormField()) {
                            throw ApiException.badRequest("validation_error", "file: exactly one file part is expected", "file");
                        }
                        try (InputStream body = part.getInputStream()) {
                            stored = files.upload(cid, kind, part.getName(), part.getContentType(), body, userId);
                        }
                    }
                    default -> throw ApiException.badRequest("unknown_field", "the form field '" + truncate(part.getFieldName())
                            + "' is not one of file, user", part.getFieldName());
                }
            }
        } catch (UncheckedIOException e) {
            throw malformed(e.getCause());
        } catch (IOException e) {
            throw malformed(e);
        }
        if (seen == 0) {
            throw ApiException.badRequest("malformed_upload", "the body holds no multipart/form-data part", null);
        }
        if (stored == null) {
            throw ApiException.badRequest("validation_error", "file: a part named file is required", "file");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        String url = link(uriInfo, r.caller().apiKey(), files, stored.id());
        out.put("file", url);
        if (stored.kind() == Files.Kind.IMAGE) {
            out.put("thumb_url", url + "&w=512&h=512");
        }
        if (stored.duration() != null) {
            out.put("duration", stored.duration());
        }
        if (stored.waveform() != null) {
            out.put("waveform_data", stored.waveform());
        }
        return ApiJson.ok(out);
    }

    private static String link(UriInfo uriInfo, String apiKey, Files files, UUID id) {
        Files.Link l = files.link(id, LINK_TTL);
        return uriInfo.getBaseUriBuilder().path("files").path(id.toString()).build() + "?api_key=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8)
                + "&" + l.query();
    }

    private static ApiException malformed(Throwable e) {
        String why = e instanceof org.apache.commons.fileupload2.core.FileUploadException || e instanceof java.io.EOFException
                || e.getClass().getName().contains("Malformed") ? "the multipart body is malformed or cut short" : "the upload was interrupted";
        return ApiException.badRequest("malformed_upload", why, null);
    }

    /** The response: the bytes (or one range of them), with headers that stop a browser from running or sniffing them. */
    private static Response serve(Files.Download d, String range) {
        StoredFile f = d.file();
        long size = f.size();
        long from = 0;
        long to = size - 1;
        int status = 200;
        if (range != null && size > 0) {
            Matcher m = BYTES.matcher(range.strip());
            if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
                close(d);
                return Response.status(416).header("Content-Range", "bytes */" + size).build();
            }
            try {
                if (m.group(1).isEmpty()) {
                    from = Math.max(0, size - Long.parseLong(m.group(2)));
                } else {
                    from = Long.parseLong(m.group(1));
                    to = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
                }
            } catch (NumberFormatException tooLong) {
                close(d);
                return Response.status(416).header("Content-Range", "bytes */" + size).build();
            }
            if (from >= size || from > to) {
                close(d);
                return Response.status(416).header("Content-Range", "bytes */" + size).build();
            }
            status = 206;
        }
        long start = from;
        long length = size == 0 ? 0 : to - from + 1;
        StreamingOutput body = out -> {
            try (SeekableByteChannel ch = d.content()) {
                ch.position(start);
                copy(ch, out, length);
            }
        };
        boolean inline = Files.shownInline(f.contentType());
        Response.ResponseBuilder r = Response.status(status).entity(body)
                .type(f.contentType())
                .header("Content-Length", length)
                .header("Accept-Ranges", "bytes")
                .header("Content-Disposition", disposition(inline ? "inline" : "attachment", f.name()))
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; sandbox")
                // embeddable by web apps on other sites (a white-label app's web build): the link itself is the
                // signed, expiring capability, and no cookie is involved, so there is no ambient authority to protect
                .header("Cross-Origin-Resource-Policy", "cross-origin")
                .header("Cache-Control", "private, max-age=3600")
                .header("ETag", "\"" + f.sha256() + "\"");
        if (status == 206) {
            r.header("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        return r.build();
    }

    private static void copy(SeekableByteChannel ch, OutputStream out, long length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long left = length;
        while (left > 0) {
            buf.clear();
            if (left < buf.capacity()) {
                buf.limit((int) left);
            }
            int n = ch.read(buf);
            if (n < 0) {
                throw new IOException("the file ended early");
            }
            out.write(buf.array(), 0, n);
            left -= n;
        }
    }

    /** RFC 6266: an ASCII fallback and the UTF-8 name. */
    static String disposition(String type, String name) {
        String ascii = name.replaceAll("[^A-Za-z0-9._ -]", "_");
        return type + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void close(Files.Download d) {
        try {
            d.close();
        } catch (IOException ignored) {
            // nothing was read
        }
    }

    private static int side(String name, String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("validation_error", name + ": must be a number of pixels", name);
        }
    }

    static UUID fileId(String url) {
        if (url == null || url.isBlank()) {
            throw ApiException.badRequest("validation_error", "url: is required (the file's URL)", "url");
        }
        return FileLinks.fileId(url).orElseThrow(() -> ApiException.badRequest("validation_error", "url: is not a file URL of this API", "url"));
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ApiException(404, "file_not_found", "file " + truncate(id));
        }
    }

    private static String truncate(String s) {
        return s == null ? "" : s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}

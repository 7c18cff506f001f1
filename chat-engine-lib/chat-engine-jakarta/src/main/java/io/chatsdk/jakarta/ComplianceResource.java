package io.chatsdk.jakarta;

import io.chatsdk.engine.audit.AuditQuery;
import io.chatsdk.engine.audit.AuditRecord;
import io.chatsdk.engine.compliance.Compliance;
import io.chatsdk.engine.compliance.ComplianceExport;
import io.chatsdk.engine.compliance.DataSubjects;
import io.chatsdk.engine.export.ExportFormat;
import io.chatsdk.engine.model.LegalHold;
import io.chatsdk.engine.model.RetentionPolicy;
import io.chatsdk.engine.redact.RedactionSettings;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The operator API's compliance endpoints under {@code /apps/{id}/compliance}: the audit log (query, signed export, public key),
 * legal holds, retention, redaction settings, exports, data subject requests, and (operator only) the app's data keys.
 * Every call is audited by {@link AuditFilter}; an optional {@code X-Actor} header names the officer in holds,
 * exports and erasures.
 */
@Path("apps/{id}/compliance")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ComplianceResource {
    @Inject
    ChatApiContext ctx;

    @HeaderParam("X-Actor")
    String actorHeader;

    private Compliance compliance(String id) {
        return ctx.engine().app(AppId.parse(id)).compliance();
    }

    private String actor() {
        return actor(actorHeader);
    }

    /** The officer an {@code X-Actor} header names (unauthenticated: the operator token is what is checked), else {@code operator-api}. */
    static String actor(String header) {
        if (header == null || header.isBlank()) {
            return "operator-api";
        }
        if (!header.matches("[A-Za-z0-9@_.\\-]{1,100}")) {
            throw ApiException.badRequest("validation_error", "X-Actor: letters, digits and @ _ . - only, at most 100", "X-Actor");
        }
        return header;
    }

    // --- audit log ---

    @GET
    @Path("audit")
    @ComplianceAccess
    public Response audit(@PathParam("id") String id, @QueryParam("actor_id") String actorId, @QueryParam("action") String action,
                          @QueryParam("resource_type") String resourceType, @QueryParam("resource_id") String resourceId,
                          @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("after_seq") Long afterSeq,
                          @QueryParam("limit") Integer limit) {
        AppId app = ctx.engine().apps().get(AppId.parse(id)).id();
        return auditPage(ctx, app, actorId, action, resourceType, resourceId, from, to, afterSeq, limit);
    }

    /** One page of a chain ({@code app} null: the operator chain), as the audit endpoints answer it. */
    static Response auditPage(ChatApiContext ctx, AppId app, String actorId, String action, String resourceType, String resourceId, String from,
                              String to, Long afterSeq, Integer limit) {
        AuditQuery q;
        try {
            q = new AuditQuery(app, actorId, action, resourceType, resourceId, instant("from", from), instant("to", to),
                    afterSeq == null ? 0 : afterSeq, limit == null ? 100 : limit);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("validation_error", e.getMessage(), e.getMessage().startsWith("limit") ? "limit" : "after_seq");
        }
        List<AuditRecord> records = ctx.engine().audit().query(q);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("records", records.stream().map(ComplianceResource::wire).toList());
        if (records.size() == q.limit()) {
            out.put("next_after_seq", records.get(records.size() - 1).seq());
        }
        return ApiJson.ok(out);
    }

    /** The app's audit chain in {@code [from, to)} as a signed JSON Lines file for {@code chatsdk audit verify}. */
    @GET
    @Path("audit/export")
    @ComplianceAccess
    @Produces("application/x-ndjson")
    @RecentSignIn
    public Response auditExport(@PathParam("id") String id, @QueryParam("from") String from, @QueryParam("to") String to) {
        AppId app = ctx.engine().apps().get(AppId.parse(id)).id();
        AuditQuery scope = new AuditQuery(app, null, null, null, null, instant("from", from), instant("to", to), 0, 1000);
        ctx.engine().audit().publicKey();   // fail before streaming when no signing key is configured
        StreamingOutput body = out -> ctx.engine().audit().export(scope, out);
        return Response.ok(body, "application/x-ndjson").header("Content-Disposition", "attachment; filename=\"audit-" + app + ".jsonl\"").build();
    }

    @GET
    @Path("audit/public-key")
    @ComplianceAccess
    @Produces("application/x-pem-file")
    public Response publicKey(@PathParam("id") String id) {
        ctx.engine().apps().get(AppId.parse(id));
        return Response.ok(ctx.engine().audit().publicKey().toPem(), "application/x-pem-file").build();
    }

    // --- files ---

    /**
     * The manifest of the app's files (issue #16): each with its channel, uploader, message and SHA-256, for
     * {@code user_ids} and {@code channel_cids} (comma-separated; empty: all) uploaded in {@code [from, to)}; held files
     * whose message was deleted are included. Their bytes come from {@code files/{file}}.
     */
    @GET
    @Path("files")
    @ComplianceAccess
    public Response files(@PathParam("id") String id, @QueryParam("user_ids") String userIds, @QueryParam("channel_cids") String channelCids,
                          @QueryParam("from") String from, @QueryParam("to") String to) {
        ctx.engine().apps().get(AppId.parse(id));
        List<io.chatsdk.engine.files.StoredFile> files = ctx.engine().app(AppId.parse(id)).files()
                .manifest(csv(userIds), csv(channelCids), instant("from", from), instant("to", to));
        return ApiJson.ok(Map.of("files", files.stream().map(io.chatsdk.engine.compliance.DataSubjects::fileEntry).toList()));
    }

    /** A file's bytes for a compliance officer, a held one included. */
    @GET
    @Path("files/{file}")
    @ComplianceAccess
    @Produces(MediaType.WILDCARD)
    public Response file(@PathParam("id") String id, @PathParam("file") String file) {
        io.chatsdk.engine.files.Files.Download d = ctx.engine().app(AppId.parse(id)).files().openForCompliance(uuid("file", file));
        StreamingOutput body = out -> {
            try (d) {
                java.nio.channels.Channels.newInputStream(d.content()).transferTo(out);
            }
        };
        return Response.ok(body, "application/octet-stream").header("Content-Length", d.file().size())
                .header("Content-Disposition", FilesResource.disposition("attachment", d.file().name()))
                .header("X-Content-Type-Options", "nosniff").header("X-ChatSDK-SHA256", d.file().sha256()).build();
    }

    private static List<String> csv(String value) {
        return value == null || value.isBlank() ? List.of() : java.util.Arrays.stream(value.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    // --- legal holds ---

    @POST
    @Path("legal-holds")
    @ComplianceAccess
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createHold(@PathParam("id") String id, InputStream in) {
        JsonBody b = ApiJson.read(in, ctx.settings().maxBodyBytes()).strict(Set.of("name", "reason", "user_ids", "channel_cids", "starts_at", "ends_at"));
        LegalHold h = compliance(id).holds().create(b.string("name"), b.string("reason"), b.strings("user_ids"), b.strings("channel_cids"),
                instant("starts_at", b.string("starts_at")), instant("ends_at", b.string("ends_at")), actor());
        return ApiJson.status(201, Map.of("legal_hold", wire(h)));
    }

    @GET
    @Path("legal-holds")
    @ComplianceAccess
    public Response holds(@PathParam("id") String id) {
        return ApiJson.ok(Map.of("legal_holds", compliance(id).holds().list().stream().map(ComplianceResource::wire).toList()));
    }

    @POST
    @Path("legal-holds/{hold}/release")
    @ComplianceAccess
    public Response release(@PathParam("id") String id, @PathParam("hold") String hold) {
        return ApiJson.ok(Map.of("legal_hold", wire(compliance(id).holds().release(uuid("hold", hold), actor()))));
    }

    // --- retention ---

    @GET
    @Path("retention")
    @ComplianceAccess
    public Response retention(@PathParam("id") String id) {
        return ApiJson.ok(Map.of("policies", compliance(id).retention().list().stream().map(ComplianceResource::wire).toList()));
    }

    /** {@code {"max_age_days": 30}} app-wide, or with {@code channel_type} or {@code channel_cid}. */
    @PUT
    @Path("retention")
    @ComplianceAccess
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setRetention(@PathParam("id") String id, InputStream in) {
        JsonBody b = ApiJson.read(in, ctx.settings().maxBodyBytes()).strict(Set.of("channel_type", "channel_cid", "max_age_days", "max_age_seconds"));
        Long days = b.longValue("max_age_days");
        Long seconds = b.longValue("max_age_seconds");
        if ((days == null) == (seconds == null)) {
            throw ApiException.badRequest("validation_error", "max_age_days: give max_age_days or max_age_seconds", "max_age_days");
        }
        if ((days != null && (days < 1 || days > 36_500)) || (seconds != null && seconds < 1)) {
            throw ApiException.badRequest("validation_error", "max_age: must be between 1 hour and 100 years", days != null ? "max_age_days" : "max_age_seconds");
        }
        Duration age = days != null ? Duration.ofDays(days) : Duration.ofSeconds(seconds);
        return ApiJson.ok(Map.of("policy", wire(compliance(id).retention().set(b.string("channel_type"), b.string("channel_cid"), age))));
    }

    @DELETE
    @Path("retention/{policy}")
    @ComplianceAccess
    public Response removeRetention(@PathParam("id") String id, @PathParam("policy") String policy) {
        compliance(id).retention().remove(uuid("policy", policy));
        return Response.noContent().build();
    }

    @POST
    @Path("retention/purge")
    @ComplianceAccess
    public Response purge(@PathParam("id") String id) {
        return ApiJson.ok(Map.of("purged", compliance(id).retention().purge()));
    }

    // --- redaction ---

    @GET
    @Path("redaction")
    @ComplianceAccess
    public Response redaction(@PathParam("id") String id) {
        return ApiJson.ok(Map.of("redaction", compliance(id).redaction().toMap()));
    }

    /** {@code {"policy": "mask", "kinds": [...], "phone_region": "US", "custom_patterns": [{"name":..,"pattern":..}]}}. */
    @PUT
    @Path("redaction")
    @ComplianceAccess
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setRedaction(@PathParam("id") String id, InputStream in) {
        JsonBody b = ApiJson.read(in, ctx.settings().maxBodyBytes());
        RedactionSettings settings;
        try {
            settings = RedactionSettings.fromMap(b.asMap());
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage() == null ? "invalid redaction settings" : e.getMessage();
            int colon = msg.indexOf(':');
            throw ApiException.badRequest("validation_error", msg, colon > 0 ? msg.substring(0, colon) : null);
        }
        return ApiJson.ok(Map.of("redaction", compliance(id).setRedaction(settings).toMap()));
    }

    // --- exports and data subject requests ---

    /** {@code {"format": "jsonl|csv|eml|xml", "from", "to", "user_ids", "channel_cids"}}: streams the file. */
    @POST
    @Path("exports")
    @ComplianceAccess
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({"application/x-ndjson", "text/csv", "application/zip", "application/xml"})
    @RecentSignIn
    public Response export(@PathParam("id") String id, InputStream in) {
        JsonBody b = ApiJson.read(in, ctx.settings().maxBodyBytes()).strict(Set.of("format", "from", "to", "user_ids", "channel_cids"));
        ExportFormat format = ExportFormat.fromWire(b.requireString("format"));
        ComplianceExport.Request request = new ComplianceExport.Request(format, instant("from", b.string("from")), instant("to", b.string("to")),
                b.strings("user_ids"), b.strings("channel_cids"), actor());
        Compliance c = compliance(id);
        c.keys().currentVersion();   // 410 before streaming when the app's keys were destroyed
        StreamingOutput body = out -> c.exports().write(request, out);
        return Response.ok(body, format.contentType())
                .header("Content-Disposition", "attachment; filename=\"export-" + c.app() + format.fileExtension() + "\"").build();
    }

    /**
     * Starts an export as a background job and answers 202 at once: {@code {"kind": "messages", "format", "from", "to",
     * "user_ids", "channel_cids"}} (the scope of {@code POST exports}), or {@code {"kind": "data_subject", "user_id"}}.
     * Its progress is at {@code export-jobs/{job}}, its file at {@code export-jobs/{job}/download} when done.
     */
    @POST
    @Path("export-jobs")
    @ComplianceAccess
    @Consumes(MediaType.APPLICATION_JSON)
    @RecentSignIn
    public Response startExportJob(@PathParam("id") String id, InputStream in) {
        JsonBody b = ApiJson.read(in, ctx.settings().maxBodyBytes()).strict(Set.of("kind", "format", "from", "to", "user_ids", "channel_cids", "user_id"));
        String kind = b.string("kind");
        Compliance c = compliance(id);
        io.chatsdk.engine.compliance.ExportJobs.Job job;
        if (io.chatsdk.engine.compliance.ExportJobs.Kind.fromWire("kind", kind == null ? "messages" : kind)
                == io.chatsdk.engine.compliance.ExportJobs.Kind.DATA_SUBJECT) {
            for (String field : List.of("format", "from", "to", "user_ids", "channel_cids")) {
                if (b.has(field)) {
                    throw ApiException.badRequest("validation_error", field + ": a data subject export has only user_id", field);
                }
            }
            job = c.exportJobs().startDataSubject(b.requireString("user_id"), actor());
        } else {
            if (b.has("user_id")) {
                throw ApiException.badRequest("validation_error", "user_id: a messages export takes user_ids", "user_id");
            }
            job = c.exportJobs().start(new ComplianceExport.Request(ExportFormat.fromWire(b.requireString("format")), instant("from", b.string("from")),
                    instant("to", b.string("to")), b.strings("user_ids"), b.strings("channel_cids"), actor()));
        }
        return Response.status(202).type(MediaType.APPLICATION_JSON).header("Location", "export-jobs/" + job.id())
                .entity(ApiJson.write(Map.of("export", job.toMap()))).build();
    }

    /** The app's export jobs, newest first: {@code ?limit=} 1-100, default 20. */
    @GET
    @Path("export-jobs")
    @ComplianceAccess
    public Response exportJobs(@PathParam("id") String id, @QueryParam("limit") String limitText) {
        Integer limit = QueryParams.integer("limit", limitText);
        return ApiJson.ok(Map.of("exports", compliance(id).exportJobs().list(limit == null ? 20 : limit).stream()
                .map(io.chatsdk.engine.compliance.ExportJobs.Job::toMap).toList()));
    }

    @GET
    @Path("export-jobs/{job}")
    @ComplianceAccess
    public Response exportJob(@PathParam("id") String id, @PathParam("job") String job) {
        return ApiJson.ok(Map.of("export", compliance(id).exportJobs().get(jobId(job)).toMap()));
    }

    /** A finished export's file, with its SHA-256 in {@code X-Content-SHA256}; 409 before it is done, 410 once expired. */
    @GET
    @Path("export-jobs/{job}/download")
    @ComplianceAccess
    @RecentSignIn
    @Produces({"application/x-ndjson", "text/csv", "application/zip", "application/xml", MediaType.APPLICATION_JSON})
    public Response downloadExport(@PathParam("id") String id, @PathParam("job") String job) {
        io.chatsdk.engine.compliance.ExportJobs.Download d = compliance(id).exportJobs().open(jobId(job));
        StreamingOutput body = out -> {
            try (InputStream in = d.body()) {
                in.transferTo(out);
            }
        };
        return Response.ok(body, d.contentType()).header("Content-Disposition", "attachment; filename=\"" + d.fileName() + "\"")
                .header("Content-Length", d.job().sizeBytes()).header("X-Content-SHA256", d.job().sha256()).header("Cache-Control", "no-store").build();
    }

    private static UUID jobId(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new io.chatsdk.engine.types.ChatException(io.chatsdk.engine.types.ErrorCode.EXPORT_NOT_FOUND, "export " + text + " not found");
        }
    }

    @GET
    @Path("users/{user}/export")
    @ComplianceAccess
    @RecentSignIn
    public Response exportUser(@PathParam("id") String id, @PathParam("user") String user) {
        Compliance c = compliance(id);
        ctx.engine().app(c.app()).users().get(user);   // 404 before streaming
        c.keys().currentVersion();                     // 410 before streaming when the app's keys were destroyed
        StreamingOutput body = out -> c.dataSubjects().export(user, out, actor());
        return Response.ok(body, MediaType.APPLICATION_JSON).build();
    }

    /** {@code {"mode": "delete|anonymize"}}. */
    @POST
    @Path("users/{user}/erase")
    @ComplianceAccess
    @Consumes(MediaType.APPLICATION_JSON)
    @RecentSignIn
    public Response eraseUser(@PathParam("id") String id, @PathParam("user") String user, InputStream in) {
        JsonBody b = ApiJson.read(in, ctx.settings().maxBodyBytes()).strict(Set.of("mode"));
        DataSubjects.ErasureMode mode = DataSubjects.ErasureMode.fromWire("mode", b.requireString("mode"));
        return ApiJson.ok(Map.of("erased", compliance(id).dataSubjects().erase(user, mode, actor())));
    }

    // --- data keys (operator only) ---

    @POST
    @Path("keys/rotate")
    @RecentSignIn
    public Response rotateKey(@PathParam("id") String id) {
        return ApiJson.ok(Map.of("key_version", compliance(id).keys().rotate()));
    }

    @POST
    @Path("keys/reencrypt")
    public Response reencrypt(@PathParam("id") String id) {
        return ApiJson.ok(Map.of("reencrypted", compliance(id).keys().reencrypt()));
    }

    /** Crypto-shredding; the body must repeat the app id: {@code {"confirm": "<app id>"}}. */
    @POST
    @Path("keys/destroy")
    @Consumes(MediaType.APPLICATION_JSON)
    @RecentSignIn
    public Response destroyKeys(@PathParam("id") String id, InputStream in) {
        JsonBody b = ApiJson.read(in, ctx.settings().maxBodyBytes()).strict(Set.of("confirm"));
        Compliance c = compliance(id);
        if (!c.app().toString().equals(b.string("confirm"))) {
            throw ApiException.badRequest("validation_error", "confirm: must repeat the app id to destroy its keys", "confirm");
        }
        c.keys().destroy();
        ctx.apps().invalidate(ctx.engine().apps().get(c.app()).apiKey());
        return ApiJson.ok(Map.of("app_id", c.app().toString(), "keys_destroyed", true));
    }

    // --- helpers ---

    static Instant instant(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("validation_error", field + ": must be an RFC 3339 timestamp", field);
        }
    }

    private static UUID uuid(String field, String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ChatException.invalid(field, "must be a UUID");
        }
    }

    static Map<String, Object> wire(AuditRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("chain", r.chain());
        m.put("seq", r.seq());
        m.put("at", r.at().toString());
        m.put("actor_type", r.actorType());
        m.put("actor_id", r.actorId());
        m.put("actor_role", r.actorRole());
        m.put("action", r.action());
        m.put("resource_type", r.resourceType());
        m.put("resource_id", r.resourceId());
        m.put("ip", r.ip());
        m.put("user_agent", r.userAgent());
        m.put("outcome", r.outcome());
        m.put("reason", r.reason());
        m.put("details", r.details());
        m.put("prev_hash", HexFormat.of().formatHex(r.prevHash()));
        m.put("hash", HexFormat.of().formatHex(r.hash()));
        return m;
    }

    static Map<String, Object> wire(LegalHold h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", h.id().toString());
        m.put("name", h.name());
        m.put("reason", h.reason());
        m.put("user_ids", h.userIds());
        m.put("channel_cids", h.channelCids());
        m.put("starts_at", h.startsAt() == null ? null : h.startsAt().toString());
        m.put("ends_at", h.endsAt() == null ? null : h.endsAt().toString());
        m.put("created_by", h.createdBy());
        m.put("created_at", h.createdAt().toString());
        m.put("active", h.active());
        m.put("released_at", h.releasedAt() == null ? null : h.releasedAt().toString());
        m.put("released_by", h.releasedBy());
        return m;
    }

    static Map<String, Object> wire(RetentionPolicy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id().toString());
        m.put("channel_type", p.channelType());
        m.put("channel_cid", p.channelCid());
        m.put("max_age_seconds", p.maxAge().toSeconds());
        m.put("created_at", p.createdAt().toString());
        return m;
    }
}

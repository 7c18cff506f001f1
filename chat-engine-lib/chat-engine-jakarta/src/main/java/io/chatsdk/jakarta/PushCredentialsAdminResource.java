package io.chatsdk.jakarta;

import io.chatsdk.engine.delivery.PushCredentials;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator API's {@code /apps/{id}/push-credentials}: an app's Firebase service-account key, uploaded as the JSON
 * file Google gives ({@code PUT}, needs a recent sign-in), shown afterwards only by project, service account and a
 * masked key id ({@code GET}), and removed ({@code DELETE}). Operators only. It replaces a key file in the credentials
 * directory, which still works for apps without an uploaded key.
 */
@Path("apps/{id}/push-credentials")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class PushCredentialsAdminResource {
    @Inject
    ChatApiContext ctx;

    @HeaderParam("X-Actor")
    String actor;

    private PushCredentials credentials(String id) {
        return ctx.app(id).pushCredentials();
    }

    @GET
    public Response get(@PathParam("id") String id) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fcm", credentials(id).fcm().map(PushCredentials.Info::toMap).orElse(null));
        return ApiJson.ok(out);
    }

    /** The body is the service-account key file itself (at most 16 KiB of JSON). */
    @PUT
    @Path("fcm")
    @Consumes(MediaType.APPLICATION_JSON)
    @RecentSignIn
    public Response setFcm(@PathParam("id") String id, InputStream in) {
        byte[] json;
        try {
            json = in.readNBytes(PushCredentials.MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (json.length > PushCredentials.MAX_BYTES) {
            throw new ApiException(413, "payload_too_large", "service_account: a service-account key file is at most " + PushCredentials.MAX_BYTES + " bytes");
        }
        try {
            return ApiJson.ok(Map.of("fcm", credentials(id).setFcm(json, ComplianceResource.actor(actor)).toMap()));
        } finally {
            java.util.Arrays.fill(json, (byte) 0);
        }
    }

    @DELETE
    @Path("fcm")
    public Response deleteFcm(@PathParam("id") String id) {
        if (!credentials(id).deleteFcm()) {
            throw new ChatException(ErrorCode.NOT_FOUND, "app " + id + " has no uploaded push key");
        }
        return Response.noContent().build();
    }
}

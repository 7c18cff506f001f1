package io.chatsdk.engine.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The engine's file links as they appear in attachments: {@code .../files/<uuid>}, with or without a query. */
public final class FileLinks {
    private static final Pattern LINK = Pattern.compile("/files/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[?#].*)?$");
    /** The attachment fields that hold links. */
    public static final List<String> URL_FIELDS = List.of("asset_url", "image_url", "thumb_url");

    private FileLinks() {
    }

    /** The file a link names, or empty when it is not one of the engine's file links. */
    public static Optional<UUID> fileId(String url) {
        if (url == null || url.length() > 4096) {
            return Optional.empty();
        }
        Matcher m = LINK.matcher(url);
        return m.find() ? Optional.of(UUID.fromString(m.group(1))) : Optional.empty();
    }

    /**
     * The link with its signature parameters ({@code v}, {@code exp}, {@code sig}) replaced by {@code signature}; its
     * other parameters (the API key, {@code w}, {@code h}, {@code crop}) stay in their order.
     */
    public static String withQuery(String url, String signature) {
        int q = url.indexOf('?');
        int hash = url.indexOf('#');
        String base = q < 0 ? (hash < 0 ? url : url.substring(0, hash)) : url.substring(0, q);
        StringBuilder query = new StringBuilder();
        if (q >= 0) {
            for (String p : url.substring(q + 1, hash > q ? hash : url.length()).split("&")) {
                String name = p.contains("=") ? p.substring(0, p.indexOf('=')) : p;
                if (!p.isEmpty() && !name.equals("v") && !name.equals("exp") && !name.equals("sig")) {
                    query.append(query.length() == 0 ? "" : "&").append(p);
                }
            }
        }
        return base + "?" + query + (query.length() == 0 ? "" : "&") + signature;
    }

    /** The files that attachments (in their wire form) link to. */
    public static List<UUID> linked(List<Map<String, Object>> attachments) {
        List<UUID> ids = new ArrayList<>();
        for (Map<String, Object> a : attachments) {
            for (String f : URL_FIELDS) {
                if (a.get(f) instanceof String url) {
                    fileId(url).ifPresent(ids::add);
                }
            }
        }
        return ids;
    }
}

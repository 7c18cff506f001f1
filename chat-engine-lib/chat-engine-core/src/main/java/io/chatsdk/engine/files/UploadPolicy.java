package io.chatsdk.engine.files;

import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Validate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An app's rules for one kind of upload, GetStream's {@code file_upload_config} and {@code image_upload_config}: allowed
 * and blocked extensions and MIME types (empty: no restriction) and a size limit in bytes (0: the engine's limit).
 * MIME entries may end in {@code /*}. Types are judged by what the bytes are, not what the client says they are.
 */
public record UploadPolicy(List<String> allowedFileExtensions, List<String> blockedFileExtensions, List<String> allowedMimeTypes,
                           List<String> blockedMimeTypes, long sizeLimit) {
    public static final UploadPolicy NONE = new UploadPolicy(List.of(), List.of(), List.of(), List.of(), 0);

    public UploadPolicy {
        allowedFileExtensions = extensions("allowed_file_extensions", allowedFileExtensions);
        blockedFileExtensions = extensions("blocked_file_extensions", blockedFileExtensions);
        allowedMimeTypes = types("allowed_mime_types", allowedMimeTypes);
        blockedMimeTypes = types("blocked_mime_types", blockedMimeTypes);
        if (sizeLimit < 0) {
            throw ChatException.invalid("size_limit", "must be 0 (the engine's limit) or a number of bytes");
        }
    }

    /** Reads the policy from its wire form; unknown keys are refused. */
    public static UploadPolicy fromMap(String field, Map<String, ?> m) {
        if (m == null) {
            return NONE;
        }
        for (String k : m.keySet()) {
            if (!List.of("allowed_file_extensions", "blocked_file_extensions", "allowed_mime_types", "blocked_mime_types", "size_limit").contains(k)) {
                throw ChatException.invalid(field + "." + k, "is not a setting of " + field);
            }
        }
        Object size = m.get("size_limit");
        if (size != null && !(size instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()))) {
            throw ChatException.invalid(field + ".size_limit", "must be a whole number of bytes");
        }
        return new UploadPolicy(strings(field, m, "allowed_file_extensions"), strings(field, m, "blocked_file_extensions"),
                strings(field, m, "allowed_mime_types"), strings(field, m, "blocked_mime_types"), size == null ? 0 : ((Number) size).longValue());
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("allowed_file_extensions", allowedFileExtensions);
        m.put("blocked_file_extensions", blockedFileExtensions);
        m.put("allowed_mime_types", allowedMimeTypes);
        m.put("blocked_mime_types", blockedMimeTypes);
        m.put("size_limit", sizeLimit);
        return m;
    }

    /** Why this type and extension are refused, or null when they are allowed. */
    String refusal(String contentType, String extension) {
        if (!allowedMimeTypes.isEmpty() && allowedMimeTypes.stream().noneMatch(t -> matches(t, contentType))) {
            return "files of type " + contentType + " are not allowed here";
        }
        if (blockedMimeTypes.stream().anyMatch(t -> matches(t, contentType))) {
            return "files of type " + contentType + " are blocked here";
        }
        if (!allowedFileExtensions.isEmpty() && (extension == null || !allowedFileExtensions.contains(extension))) {
            return "files named ." + (extension == null ? "(none)" : extension) + " are not allowed here";
        }
        if (extension != null && blockedFileExtensions.contains(extension)) {
            return "files named ." + extension + " are blocked here";
        }
        return null;
    }

    private static boolean matches(String pattern, String type) {
        return pattern.endsWith("/*") ? type.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(type);
    }

    private static List<String> extensions(String field, List<String> in) {
        List<String> out = new ArrayList<>();
        for (String e : in == null ? List.<String>of() : in) {
            String x = e == null ? "" : e.strip().toLowerCase(Locale.ROOT);
            x = x.startsWith(".") ? x.substring(1) : x;
            if (!x.matches("[a-z0-9]{1,16}")) {
                throw ChatException.invalid(field, "'" + e + "' is not a file extension");
            }
            out.add(x);
        }
        return List.copyOf(out);
    }

    private static List<String> types(String field, List<String> in) {
        List<String> out = new ArrayList<>();
        for (String t : in == null ? List.<String>of() : in) {
            String x = t == null ? "" : t.strip().toLowerCase(Locale.ROOT);
            if (!x.matches("[a-z0-9.+-]{1,64}/(\\*|[a-z0-9.+-]{1,128})")) {
                throw ChatException.invalid(field, "'" + t + "' is not a MIME type");
            }
            out.add(x);
        }
        return List.copyOf(out);
    }

    private static List<String> strings(String field, Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l) || l.size() > 100 || l.stream().anyMatch(x -> !(x instanceof String))) {
            throw ChatException.invalid(field + "." + key, "must be a list of at most 100 strings");
        }
        return l.stream().map(x -> Validate.text(field + "." + key, (String) x, 200)).toList();
    }
}

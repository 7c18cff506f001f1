package io.chatsdk.engine.types;

import java.util.Objects;

/**
 * The one exception type the engine throws for anything a caller can act on. It carries a stable
 * {@link ErrorCode}, a message that says what was wrong with which input, and for validation errors the
 * offending {@link #field()} (a dotted path such as {@code "attachments[2].url"}).
 *
 * <p>Messages never contain message text, tokens, keys or secrets, so they are safe to return and log.
 */
public class ChatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String field;

    public ChatException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public ChatException(ErrorCode code, String message, String field, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.field = field;
    }

    /** A validation error naming {@code field}. */
    public static ChatException invalid(String field, String problem) {
        return new ChatException(ErrorCode.VALIDATION, field + ": " + problem, field, null);
    }

    public static ChatException notFound(ErrorCode code, String what) {
        return new ChatException(code, what + " was not found");
    }

    public static ChatException forbidden(String message) {
        return new ChatException(ErrorCode.FORBIDDEN, message);
    }

    public ErrorCode code() {
        return code;
    }

    /** The input field at fault, or {@code null} when the error is not about one field. */
    public String field() {
        return field;
    }
}

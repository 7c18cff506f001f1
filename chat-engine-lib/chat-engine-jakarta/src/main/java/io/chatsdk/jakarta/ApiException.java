package io.chatsdk.jakarta;

/**
 * An error that belongs to the HTTP layer rather than the engine: authentication, malformed or oversized bodies,
 * wrong content type, rate limits. Carries the HTTP status, a stable code and optionally the field at fault.
 */
public class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public ApiException(int status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }

    static ApiException unauthorized(String code, String message) {
        return new ApiException(401, code, message);
    }

    static ApiException badRequest(String code, String message, String field) {
        return new ApiException(400, code, message, field);
    }
}

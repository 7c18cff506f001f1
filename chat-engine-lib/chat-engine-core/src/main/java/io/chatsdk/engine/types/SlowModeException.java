package io.chatsdk.engine.types;

/** The channel's slow mode refused a message; {@link #retryAfterSeconds()} says how long the user must wait. */
public final class SlowModeException extends ChatException {
    private static final long serialVersionUID = 1L;
    private final int retryAfterSeconds;

    public SlowModeException(String cid, int retryAfterSeconds) {
        super(ErrorCode.SLOW_MODE, "channel " + cid + " is in slow mode: wait " + retryAfterSeconds + " s before sending again", null, null);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

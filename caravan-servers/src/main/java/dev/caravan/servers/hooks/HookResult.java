package dev.caravan.servers.hooks;

/**
 * What a hook returns: {@link #OK} (did its part), {@link #DECLINED} (not mine), or an error
 * with an HTTP status, which ends the phase and answers the request with that status.
 *
 * @param kind   which of the three
 * @param status HTTP status for ERROR, 0 otherwise
 * @param reason text for ERROR's body
 */
public record HookResult(Kind kind, int status, String reason) {
    public enum Kind { OK, DECLINED, ERROR }

    public static final HookResult OK = new HookResult(Kind.OK, 0, "");
    public static final HookResult DECLINED = new HookResult(Kind.DECLINED, 0, "");

    public static HookResult error(int status, String reason) {
        return new HookResult(Kind.ERROR, status, reason);
    }

    public boolean isError() {
        return kind == Kind.ERROR;
    }
}

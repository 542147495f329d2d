package io.aot.consensus.node;

/**
 * Crash injection for tests: {@code -Daot.crash.at=<point>} halts the JVM (no shutdown hook, like {@code kill -9}) the
 * {@code aot.crash.after}-th time (default 1st) execution passes that point. Points: {@code after-checkpoint} (state
 * persisted, message not yet sent), {@code after-block-commit} (block stored and executed, not yet announced).
 */
public final class CrashPoints {

    private static final String POINT = System.getProperty("aot.crash.at");
    private static final int AFTER = Integer.getInteger("aot.crash.after", 1);
    private static int hits;

    private CrashPoints() {
    }

    public static synchronized void hit(String point) {
        if (point.equals(POINT) && ++hits >= AFTER) {
            System.err.println("[crash-point] halting at " + point + " (hit " + hits + ")");
            Runtime.getRuntime().halt(137);
        }
    }
}

package io.aot.localstack;

/** A child that does nothing until killed: stands in for a hung server in the orphan tests. */
public final class SleeperMain {
    private SleeperMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("sleeper up");
        Thread.sleep(Long.MAX_VALUE);
    }
}

package io.aot.jobs.deploy;

import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.java.utils.AbstractParameterTool;

/**
 * A job's program arguments are all known ones: called after a job's parser has read every option it takes, it
 * refuses any option the parser never asked for, naming it and the known ones. Before, a mistyped option
 * ({@code --cassandra-consistancy QUORUM}, {@code --pseudonym-key-flie ...}) was silently ignored and the job ran on the
 * default it meant to change.
 */
public final class JobArgs {

    private JobArgs() {
    }

    /**
     * @param job  the job's name, for the message
     * @throws IllegalArgumentException naming the unknown options and the known ones
     */
    public static void refuseUnknown(AbstractParameterTool args, String job) {
        Set<String> unknown = new TreeSet<>(args.getUnrequestedParameters());
        if (unknown.isEmpty()) {
            return;
        }
        throw new IllegalArgumentException(job + ": unknown option" + (unknown.size() > 1 ? "s " : " ")
                + String.join(", ", unknown.stream().map(k -> "--" + k).toList()) + "; known: "
                + String.join(" ", known(args).stream().map(k -> "--" + k).toList()));
    }

    /**
     * The options the parser asked for. ParameterTool keeps them (with their defaults) in a protected map and has no
     * accessor for it; read reflectively, and an empty list if a later Flink moves it (the refusal still holds).
     */
    private static Set<String> known(AbstractParameterTool args) {
        try {
            java.lang.reflect.Field f = AbstractParameterTool.class.getDeclaredField("defaultData");
            f.setAccessible(true);
            @SuppressWarnings("unchecked")
            java.util.Map<String, String> asked = (java.util.Map<String, String>) f.get(args);
            return new TreeSet<>(asked.keySet());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Set.of();
        }
    }
}

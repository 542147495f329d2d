package io.aot.schemas.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Backward compatibility, transitive: every released version must read data written by every earlier one, and the
 * schema the code is built with must be the newest released version. So a consumer deployed with the newest schema
 * reads the whole topic, and no producer writes a fingerprint that readers were never given.
 */
public final class CompatibilityCheck {

    /** Where released versions are committed, relative to the repository root. */
    static final String SOURCE_ROOT = "schemas/src/main/resources/";

    private CompatibilityCheck() {
    }

    /** Problems found, in words a developer can act on; empty when the schema may ship. */
    public static List<String> problems(Schema current, List<Schema> released) {
        String name = current.getFullName();
        List<String> problems = new ArrayList<>();
        for (int reader = 1; reader < released.size(); reader++) {
            for (int writer = 0; writer < reader; writer++) {
                String why = incompatibility(released.get(reader), released.get(writer));
                if (why != null) {
                    problems.add(name + " v" + (reader + 1) + " cannot read data written with v" + (writer + 1) + ": " + why);
                }
            }
        }
        if (released.isEmpty()) {
            problems.add(name + " has no released version: commit it as " + SOURCE_ROOT + SchemaHistory.resourcePath(name, 1));
            return problems;
        }
        Schema newest = released.get(released.size() - 1);
        if (!current.equals(newest)) {
            for (int writer = 0; writer < released.size(); writer++) {
                String why = incompatibility(current, released.get(writer));
                if (why != null) {
                    problems.add(name + " as changed cannot read data written with released v" + (writer + 1) + ": "
                            + why + " (add a default, or keep the field)");
                }
            }
            problems.add(name + " changed since its newest released version v" + released.size()
                    + ": release it as " + SOURCE_ROOT + SchemaHistory.resourcePath(name, released.size() + 1));
        }
        return problems;
    }

    private static String incompatibility(Schema reader, Schema writer) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return null;
        }
        List<String> details = new ArrayList<>();
        for (SchemaCompatibility.Incompatibility i : result.getResult().getIncompatibilities()) {
            details.add(i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")");
        }
        return String.join("; ", details);
    }
}

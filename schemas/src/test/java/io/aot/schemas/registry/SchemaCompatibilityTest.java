package io.aot.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaCompatibilityTest {

    /**
     * The gate: every record the platform writes is released, and each release reads all earlier ones. On failure the
     * current schema is written to target/schema-candidates for you to review and commit as the next version.
     */
    @Test
    void everyRecordSchemaIsReleasedAndBackwardCompatible() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Schema current : SchemaCatalog.records()) {
            List<String> found = CompatibilityCheck.problems(current, SchemaHistory.releasedVersions(current.getFullName()));
            if (!found.isEmpty()) {
                Path candidate = Path.of("target", "schema-candidates", current.getName() + ".avsc");
                Files.createDirectories(candidate.getParent());
                Files.writeString(candidate, current.toString(true) + "\n");
                problems.addAll(found);
                problems.add("  candidate written to " + candidate.toAbsolutePath());
            }
        }
        assertThat(problems).as(String.join("\n", problems)).isEmpty();
    }

    // The gate must be able to fail: each case below is a change it has to catch.

    private static final Schema V1 = parse("""
            {"type":"record","name":"Payment","namespace":"t","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"long"}]}""");

    @Test
    void anUnchangedReleasedSchemaPasses() {
        assertThat(CompatibilityCheck.problems(V1, List.of(V1))).isEmpty();
    }

    @Test
    void aSchemaThatWasNeverReleasedFails() {
        assertThat(CompatibilityCheck.problems(V1, List.of()))
                .singleElement().asString().contains("t.Payment has no released version", "Payment/v1.avsc");
    }

    @Test
    void anAddedFieldWithoutDefaultIsIncompatible() {
        Schema v2 = parse("""
                {"type":"record","name":"Payment","namespace":"t","fields":[
                  {"name":"id","type":"string"},
                  {"name":"amount","type":"long"},
                  {"name":"currency","type":"string"}]}""");

        List<String> problems = CompatibilityCheck.problems(v2, List.of(V1));

        assertThat(problems).anySatisfy(p -> assertThat(p).contains("cannot read data written with released v1",
                "READER_FIELD_MISSING_DEFAULT", "currency"));
    }

    @Test
    void aCompatibleChangeStillFailsUntilItIsReleased() {
        Schema v2 = parse("""
                {"type":"record","name":"Payment","namespace":"t","fields":[
                  {"name":"id","type":"string"},
                  {"name":"amount","type":"long"},
                  {"name":"currency","type":"string","default":"KRW"}]}""");

        assertThat(CompatibilityCheck.problems(v2, List.of(V1)))
                .singleElement().asString().contains("changed since its newest released version v1", "Payment/v2.avsc");
        assertThat(CompatibilityCheck.problems(v2, List.of(V1, v2))).isEmpty();
    }

    @Test
    void aChangedTypeIsIncompatible() {
        Schema v2 = parse("""
                {"type":"record","name":"Payment","namespace":"t","fields":[
                  {"name":"id","type":"string"},
                  {"name":"amount","type":"int"}]}""");

        assertThat(CompatibilityCheck.problems(v2, List.of(V1)))
                .anySatisfy(p -> assertThat(p).contains("TYPE_MISMATCH", "/fields/1/type"));
    }

    @Test
    void anIncompatibleReleaseInTheHistoryIsReportedEvenIfTheCurrentMatchesIt() {
        Schema v2 = parse("""
                {"type":"record","name":"Payment","namespace":"t","fields":[
                  {"name":"id","type":"string"},
                  {"name":"amount","type":"long"},
                  {"name":"merchant","type":"string"}]}""");

        assertThat(CompatibilityCheck.problems(v2, List.of(V1, v2)))
                .singleElement().asString().contains("v2 cannot read data written with v1");
    }

    @Test
    void releasedFilesParseAndMatchTheirRecordNames() {
        for (Schema current : SchemaCatalog.records()) {
            for (Schema released : SchemaHistory.releasedVersions(current.getFullName())) {
                assertThat(released.getFullName()).isEqualTo(current.getFullName());
            }
        }
    }

    private static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }
}

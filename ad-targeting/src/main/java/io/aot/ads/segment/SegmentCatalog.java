package io.aot.ads.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The segment definitions file: {@code {"segments": [{"id", "version", "description", "all": [...], "any": [...]}]}}
 * (see docs/ad-targeting.md). Parsing checks every field name, operator and value, so a bad file is refused with a
 * reason before it replaces a good one. Also keeps each definition's JSON, for the {@code segments} table.
 */
public final class SegmentCatalog implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A bound on the file, so a mistaken path (a log, a dump) is refused rather than read into every task. */
    public static final int MAX_FILE_BYTES = 1 << 20;
    public static final int MAX_SEGMENTS = 500;

    private final Map<String, SegmentDefinition> segments;
    private final Map<String, String> json;

    private SegmentCatalog(Map<String, SegmentDefinition> segments, Map<String, String> json) {
        this.segments = segments;
        this.json = json;
    }

    public static SegmentCatalog read(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new SegmentDefinitionException("FILE_TOO_LARGE", file + " is over " + MAX_FILE_BYTES + " bytes");
            }
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new SegmentDefinitionException("UNREADABLE", file + ": " + e.getMessage());
        }
    }

    public static SegmentCatalog parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SegmentDefinitionException("MALFORMED_JSON", e.getOriginalMessage());
        }
        if (root == null || !root.path("segments").isArray()) {
            throw new SegmentDefinitionException("MALFORMED_JSON", "expected {\"segments\": [...]}");
        }
        if (root.path("segments").size() > MAX_SEGMENTS) {
            throw new SegmentDefinitionException("TOO_MANY_SEGMENTS", "at most " + MAX_SEGMENTS);
        }
        Map<String, SegmentDefinition> segments = new LinkedHashMap<>();
        Map<String, String> json = new LinkedHashMap<>();
        for (JsonNode s : root.path("segments")) {
            String id = s.path("id").asText(null);
            SegmentDefinition d = new SegmentDefinition(id, s.path("version").asInt(1), s.path("description").asText(""),
                    conditions(id, s.path("all")), conditions(id, s.path("any")));
            if (segments.put(d.id(), d) != null) {
                throw new SegmentDefinitionException("DUPLICATE_ID", "segment " + d.id() + " is defined twice");
            }
            json.put(d.id(), s.toString());
        }
        return new SegmentCatalog(segments, json);
    }

    private static List<Condition> conditions(String segment, JsonNode list) {
        List<Condition> out = new ArrayList<>();
        if (list.isMissingNode()) {
            return out;
        }
        if (!list.isArray()) {
            throw new SegmentDefinitionException("MALFORMED_JSON", segment + ": all/any must be lists of conditions");
        }
        for (JsonNode c : list) {
            String field = c.path("field").asText(null);
            if (field == null || c.size() != 2) {
                throw new SegmentDefinitionException("MALFORMED_CONDITION",
                        segment + ": a condition is {\"field\": NAME, \"<op>\": VALUE}, got " + c);
            }
            Iterator<String> names = c.fieldNames();
            String op = names.next();
            op = op.equals("field") ? names.next() : op;
            out.add(new Condition(field, op, value(c.get(op))));
        }
        return out;
    }

    private static Object value(JsonNode v) {
        if (v.isNumber()) {
            return v.numberValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isArray()) {
            List<Object> items = new ArrayList<>();
            v.forEach(i -> items.add(value(i)));
            return items;
        }
        return v.isNull() ? null : v.asText();
    }

    public java.util.Collection<SegmentDefinition> segments() {
        return segments.values();
    }

    public SegmentDefinition get(String id) {
        return segments.get(id);
    }

    public String definitionJson(String id) {
        return json.get(id);
    }
}

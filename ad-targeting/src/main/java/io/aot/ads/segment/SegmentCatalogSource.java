package io.aot.ads.segment;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the segment definitions file and emits its text whenever it changes (and once at start), after checking it
 * parses: a broken edit is logged with its reason and ignored, so the segments keep their last good definitions.
 * Parallelism 1; what it emits is broadcast to every segment evaluator, whose state holds the definitions across
 * restores. (The legacy source API: a file poller has no splits or offsets worth a FLIP-27 source.)
 */
public final class SegmentCatalogSource implements SourceFunction<AudienceControl> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SegmentCatalogSource.class);

    private final String file;
    private final long pollEveryMs;
    private volatile boolean running = true;

    public SegmentCatalogSource(Path file, long pollEveryMs) {
        this.file = file.toString();
        this.pollEveryMs = pollEveryMs;
    }

    @Override
    public void run(SourceContext<AudienceControl> ctx) throws Exception {
        String last = null;
        while (running) {
            String text = null;
            try {
                text = Files.readString(Path.of(file));
                if (!text.equals(last)) {
                    SegmentCatalog.parse(text);
                    synchronized (ctx.getCheckpointLock()) {
                        ctx.collect(AudienceControl.catalog(text));
                    }
                    LOG.info("segment definitions from {} ({} bytes) sent to the evaluators", file, text.length());
                }
            } catch (SegmentDefinitionException e) {
                LOG.error("segment definitions in {} refused, keeping the previous ones: {}", file, e.getMessage());
            } catch (java.io.IOException e) {
                LOG.error("segment definitions in {} unreadable, keeping the previous ones: {}", file, e.toString());
                text = last;
            }
            last = text;
            Thread.sleep(pollEveryMs);
        }
    }

    @Override
    public void cancel() {
        running = false;
    }
}

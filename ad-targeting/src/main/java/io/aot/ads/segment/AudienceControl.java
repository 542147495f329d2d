package io.aot.ads.segment;

import io.aot.ads.rfm.RfmQuintiles;

/** What every segment evaluator must see: a new definitions file, or new RFM quintiles. A Flink POJO. */
public class AudienceControl {
    /** The definitions file's text (already checked), or null. */
    public String catalogJson;
    public RfmQuintiles quintiles;

    public AudienceControl() {
    }

    public static AudienceControl catalog(String json) {
        AudienceControl c = new AudienceControl();
        c.catalogJson = json;
        return c;
    }

    public static AudienceControl quintiles(RfmQuintiles q) {
        AudienceControl c = new AudienceControl();
        c.quintiles = q;
        return c;
    }
}

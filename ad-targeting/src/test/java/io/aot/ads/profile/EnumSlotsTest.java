package io.aot.ads.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.avro.MerchantCategory;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Issue #18 item 6: a profile's count arrays are indexed by slots that never move, so a new merchant category (or
 * region, method, daypart) does not corrupt a restored profile. Indexed by ordinal, a profile restored from a build
 * with one category fewer failed on the new category's payment (ArrayIndexOutOfBounds: a job in a restart loop), and a
 * category inserted mid-enum moved every later category's spend onto its neighbour.
 */
class EnumSlotsTest {

    /** The slots released so far, oldest first. A new constant is appended in the code; these lines never change. */
    private static final List<String> RELEASED_CATEGORIES = List.of("OTHER", "CAFE", "CONVENIENCE_STORE", "RESTAURANT",
            "BAR", "BAKERY", "FUEL", "GROCERY", "DEPARTMENT_STORE", "APPAREL", "BEAUTY", "PHARMACY", "HOSPITAL",
            "EDUCATION", "ENTERTAINMENT", "TRANSPORT", "LODGING", "ELECTRONICS", "ONLINE");
    private static final List<String> RELEASED_REGIONS = List.of("UNKNOWN", "SEOUL", "BUSAN", "DAEGU", "INCHEON",
            "GWANGJU", "DAEJEON", "ULSAN", "SEJONG", "GYEONGGI", "GANGWON", "CHUNGBUK", "CHUNGNAM", "JEONBUK", "JEONNAM",
            "GYEONGBUK", "GYEONGNAM", "JEJU");
    private static final List<String> RELEASED_METHODS = List.of("UNKNOWN", "IC_CHIP", "MAGSTRIPE", "NFC_CARD",
            "NFC_PHONE_WALLET", "QR_APP_TO_APP", "BARCODE_APP_TO_APP", "AOT_COIN");
    private static final List<String> RELEASED_DAYPARTS = List.of("NIGHT", "MORNING", "LUNCH", "AFTERNOON", "EVENING");

    private static final long A_SEOUL_NOON = Instant.parse("2026-11-23T03:00:00Z").toEpochMilli();

    @Test
    void slotListsOnlyGrowAtTheEnd() {
        assertThat(CustomerProfile.CATEGORY_SLOTS.names()).startsWith(RELEASED_CATEGORIES.toArray(String[]::new));
        assertThat(CustomerProfile.REGION_SLOTS.names()).startsWith(RELEASED_REGIONS.toArray(String[]::new));
        assertThat(CustomerProfile.METHOD_SLOTS.names()).startsWith(RELEASED_METHODS.toArray(String[]::new));
        assertThat(CustomerProfile.DAYPART_SLOTS.names()).startsWith(RELEASED_DAYPARTS.toArray(String[]::new));
    }

    enum Shuffled { B, C, A }

    enum WithANewOne { A, NEW, B }

    @Test
    void aSlotFollowsTheNameNotTheOrdinalAndEveryConstantNeedsOne() {
        EnumSlots<Shuffled> slots = new EnumSlots<>(Shuffled.class, List.of("A", "B", "C"));
        assertThat(slots.slot(Shuffled.A)).isZero();
        assertThat(slots.slot(Shuffled.C)).isEqualTo(2);
        assertThat(slots.name(1)).isEqualTo("B");
        assertThatThrownBy(() -> new EnumSlots<>(WithANewOne.class, List.of("A", "B")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("WithANewOne.NEW has no profile slot");
        assertThatThrownBy(() -> new EnumSlots<>(Shuffled.class, List.of("A", "B", "C", "A")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> slots.slot("D")).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A profile written by a build whose last category slot did not exist yet (its arrays one shorter), restored by
     * Flink's POJO serializer into this build: a payment in the new category counts in the new slot, and every older
     * count stays where it was.
     */
    @Test
    void aProfileFromABuildWithFewerCategoriesRestoresAndCountsTheNewOne() throws Exception {
        CustomerProfile old = new CustomerProfile();
        old.apply(AudienceEvent.payment("m1", A_SEOUL_NOON, "CAFE", "SEOUL", "IC_CHIP", 5_000, false));
        int cafe = CustomerProfile.CATEGORY_SLOTS.slot(MerchantCategory.CAFE);
        old.categoryKrw = Arrays.copyOf(old.categoryKrw, CustomerProfile.CATEGORY_SLOTS.size() - 1);

        TypeSerializer<CustomerProfile> serializer = TypeInformation.of(CustomerProfile.class)
                .createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(old, out);
        CustomerProfile restored = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        String newest = CustomerProfile.CATEGORY_SLOTS.name(CustomerProfile.CATEGORY_SLOTS.size() - 1);
        restored.apply(AudienceEvent.payment("m1", A_SEOUL_NOON + 60_000, newest, "SEOUL", "IC_CHIP", 7_000, false));
        assertThat(restored.categoryKrw[cafe]).isEqualTo(5_000);
        assertThat(restored.categoryKrw[CustomerProfile.CATEGORY_SLOTS.size() - 1]).isEqualTo(7_000);
        ProfileSnapshot s = restored.snapshot("m1", MarketCalendar.day(A_SEOUL_NOON));
        assertThat((double) s.field("affinity.CAFE")).isEqualTo(5.0 / 12);
        assertThat((double) s.field("affinity." + newest)).isEqualTo(7.0 / 12);
    }
}

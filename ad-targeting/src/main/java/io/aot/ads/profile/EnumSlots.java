package io.aot.ads.profile;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The slot of each constant of an enum in a profile's count arrays, by the constant's name in the order it was
 * introduced, never by its ordinal. The arrays live in keyed state that outlives a build of the job: indexed by
 * ordinal, a merchant category added in the middle of the Avro enum (or the symbols sorted) would shift every later
 * count of every restored profile onto the wrong category, silently. Here a slot never moves: a new constant takes
 * the next slot (append its name to the list), and an array restored from before it is shorter and grows on use
 * ({@link #fit}). Removing a constant keeps its slot (its name stays listed); the list is append-only, which
 * {@code EnumSlotsTest} checks against the slots released so far.
 *
 * @param <E> the enum
 */
public final class EnumSlots<E extends Enum<E>> {

    private final Class<E> type;
    private final List<String> names;
    private final Map<String, Integer> slotByName = new HashMap<>();

    /**
     * @param namesInSlotOrder every constant's name, each once, in the order the slots were given out
     * @throws IllegalStateException if a constant of {@code type} has no slot (append it) or a name is listed twice
     */
    public EnumSlots(Class<E> type, List<String> namesInSlotOrder) {
        this.type = type;
        this.names = List.copyOf(namesInSlotOrder);
        for (int i = 0; i < names.size(); i++) {
            if (slotByName.put(names.get(i), i) != null) {
                throw new IllegalStateException(type.getSimpleName() + " slot list names " + names.get(i) + " twice");
            }
        }
        for (E constant : type.getEnumConstants()) {
            if (!slotByName.containsKey(constant.name())) {
                throw new IllegalStateException(type.getSimpleName() + "." + constant.name() + " has no profile slot:"
                        + " append its name to the slot list (never insert: restored profiles keep their slots)");
            }
        }
    }

    /** The slot of {@code constant}. */
    public int slot(E constant) {
        return slotByName.get(constant.name());
    }

    /** The slot of the constant named {@code name}; throws IllegalArgumentException for a name with no slot. */
    public int slot(String name) {
        Integer slot = slotByName.get(name);
        if (slot == null) {
            throw new IllegalArgumentException("no " + type.getSimpleName() + " named " + name);
        }
        return slot;
    }

    /** The constant's name in {@code slot}. */
    public String name(int slot) {
        return names.get(slot);
    }

    /** Slots given out so far: the length a count array needs. */
    public int size() {
        return names.size();
    }

    /** {@code counts} with room for every slot: itself, or a longer copy if it was written before a slot was added. */
    public long[] fit(long[] counts) {
        return counts.length >= names.size() ? counts : Arrays.copyOf(counts, names.size());
    }

    /** As {@link #fit(long[])}. */
    public int[] fit(int[] counts) {
        return counts.length >= names.size() ? counts : Arrays.copyOf(counts, names.size());
    }

    /** The names in slot order (tests compare them with the released list). */
    public List<String> names() {
        return names;
    }
}

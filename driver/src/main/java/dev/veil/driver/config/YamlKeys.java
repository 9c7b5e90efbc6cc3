package dev.veil.driver.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The keys allowed in one YAML mapping and what each does to a target. Adding a key is one {@link #key} line;
 * a key not registered is refused, so that a typo ({@code tpye: int}) can never leave a column less protected.
 *
 * @param <T> what the handlers fill
 */
final class YamlKeys<T> {

    private final String what;
    private final String example;
    private final Map<String, BiConsumer<YamlValue, T>> handlers = new LinkedHashMap<>();

    /**
     * @param what what the mapping holds, for messages ("the key cache settings")
     * @param example the mapping written correctly, for messages
     */
    YamlKeys(String what, String example) {
        this.what = what;
        this.example = example;
    }

    YamlKeys<T> key(String name, BiConsumer<YamlValue, T> handler) {
        handlers.put(name, handler);
        return this;
    }

    boolean has(String name) {
        return handlers.containsKey(name);
    }

    String names() {
        return String.join(", ", handlers.keySet());
    }

    /** Applies every entry of {@code mapping} to {@code target}, in file order. */
    void apply(YamlValue mapping, T target) {
        List<YamlValue> entries = mapping.entries(what, example);
        for (YamlValue entry : entries) {
            handle(entry, target);
        }
    }

    /** Applies one entry (a key and its value) of a mapping of this kind to {@code target}. */
    void handle(YamlValue entry, T target) {
        BiConsumer<YamlValue, T> handler = handlers.get(entry.key());
        if (handler == null) {
            throw entry.fail("unknown key '" + entry.key() + "' in " + what, "Allowed keys here: " + names()
                    + ". Fix the spelling or remove the key; unknown keys are refused so that a typo cannot "
                    + "leave a column less protected");
        }
        handler.accept(entry, target);
    }
}

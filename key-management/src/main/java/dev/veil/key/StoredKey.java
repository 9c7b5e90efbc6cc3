package dev.veil.key;

import java.time.Instant;
import java.util.List;

/** One row of the key table, with its versions, as listed by {@link KeyAdministration#list()}. */
public record StoredKey(KeyScope scope, String masterKeyId, List<KeyVersion> versions, Instant createdAt,
        Instant updatedAt) { }

package dev.veil.key;

import java.util.Map;
import java.util.Set;

/**
 * Service-provider interface for master-key kinds. Register an implementation in
 * {@code META-INF/services/dev.veil.key.MasterKeyProvider}; {@link MasterKey#open(String, Map)} picks it by the
 * URI scheme (the text before the first {@code :}). Veil ships {@code local-keyset} and {@code aws-kms}
 * ({@link dev.veil.key.aws.AwsKmsProvider}, the worked example).
 */
public interface MasterKeyProvider {

    /** The URI scheme this provider handles, e.g. {@code aws-kms}; lower case. */
    String scheme();

    /** The option names {@link #open} accepts; others are refused before {@code open} is called. */
    Set<String> options();

    /**
     * Opens the key. Must not call the key service (start-up stays cheap and works while it is down);
     * validate the URI and options and throw a {@link KeyException} whose message names the bad option or
     * URI part, the bad value and the fix.
     */
    MasterKey open(String uri, Map<String, String> options) throws KeyException;
}
